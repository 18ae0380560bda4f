"""Reads of notifications and preferences that the pages, the API, the bell
and delivery share."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from apps.accounts.permissions import roles_of
from apps.notifications.kinds import KINDS, Kind
from apps.notifications.models import Notification, NotificationPreference


def default_preference(user_id: int, kind: Kind) -> NotificationPreference:
    info = KINDS[kind]
    return NotificationPreference(user_id=user_id, kind=kind, in_app=info.in_app, email=info.email)


def preferences_for(user_ids: Iterable[int], kind: Kind) -> dict[int, NotificationPreference]:
    """Each person's choice for `kind` (the default where they never chose): one query."""
    user_ids = set(user_ids)
    chosen = {
        preference.user_id: preference
        for preference in NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind)
    }
    return {user_id: chosen.get(user_id) or default_preference(user_id, kind) for user_id in user_ids}


def preferences_of(user) -> list[NotificationPreference]:
    """The person's choice for every kind, in the table's order (saved rows or defaults)."""
    chosen = {preference.kind: preference for preference in NotificationPreference.objects.filter(user=user)}
    return [chosen.get(kind) or default_preference(user.pk, kind) for kind in KINDS]


def in_app(user) -> QuerySet[Notification]:
    """What the bell and the notifications page show the person: their rows
    meant for the portal, about products they are still in (or none)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    still_in = Q(product__isnull=True) | Q(product_id__in=list(roles_of(user)))
    return Notification.objects.filter(still_in, recipient=user, in_app=True)


def notification_list(user) -> QuerySet[Notification]:
    return in_app(user).select_related("actor").order_by("-created_at", "-id")


def unread_count(user) -> int:
    return in_app(user).filter(read_at__isnull=True).count()
