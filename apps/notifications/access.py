"""The way to a person's own notifications, for pages and the API alike:
nobody reaches another person's notifications (404). Lists start from
`visible_notifications` (the person's rows meant for the portal, about
products they are still in)."""

from django.db.models import QuerySet

from apps.core.lookups import one_by_id
from apps.notifications import selectors
from apps.notifications.models import Notification


def visible_notifications(user) -> QuerySet[Notification]:
    return selectors.notification_list(user)


def access_notification(user, notification_id) -> Notification:
    return one_by_id(selectors.in_app(user), notification_id, "No such notification of yours.")
