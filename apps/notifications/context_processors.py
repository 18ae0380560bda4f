from django.utils.functional import SimpleLazyObject

from apps.notifications.selectors import unread_count


def bell(request):
    """The header's unread count: one query, only when a page shows it, once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: _cached(request))}


def _cached(request) -> int:
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = unread_count(request.user)
    return request._unread_notifications
