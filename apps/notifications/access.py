"""The way to a person's own notifications, for pages and the API alike:
nobody reaches another person's notifications (404). Lists start from
`visible_notifications` (the person's rows meant for the portal, about
products they are still in)."""

from django.db.models import QuerySet
from django.http import Http404

from apps.core.http import as_id
from apps.notifications import selectors
from apps.notifications.models import Notification


def visible_notifications(user) -> QuerySet[Notification]:
    return selectors.notification_list(user)


def access_notification(user, notification_id) -> Notification:
    pk = as_id(notification_id)
    notification = None if pk is None else selectors.in_app(user).filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification of yours.")
    return notification
