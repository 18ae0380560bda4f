"""Every change to notifications and preferences goes through here.

`notify` is what other apps call (they sit above this one in the layers):
inside the transaction of their change, it writes one row per recipient and
queues the delivery for after the commit, never failing the request."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.core.queue import enqueue_after_commit
from apps.notifications import targets
from apps.notifications.kinds import KINDS, Email, Kind
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.selectors import preferences_for

TEXT_MAX = 300
LINK_MAX = 300


@transaction.atomic
def notify(
    *,
    kind: Kind | str,
    recipients: Iterable[User | int],
    key: str,
    text: str,
    link: str = "",
    actor: User | None = None,
    product=None,
    target: models.Model | None = None,
) -> list[int]:
    """Tell these people about one event. Returns who will be told.

    Nobody is told about their own action, nor when they may no longer see
    `target` (the rules its app registered in apps.notifications.targets),
    nor when they left `product`, nor when they turned this kind off for both
    the portal and email. The same `key` told to the same person again (a
    doubled call, a retried task) is one notification. `text` is one line
    every recipient may read; the caller chooses recipients who may."""
    kind = Kind(kind)
    wanted = {person if isinstance(person, int) else person.pk for person in recipients}
    if actor is not None:
        wanted.discard(actor.pk)
    if not wanted:
        return []
    product_id = product if isinstance(product, int) or product is None else product.pk
    if product_id is not None:
        wanted &= set(
            Membership.objects.filter(product_id=product_id, user_id__in=wanted, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
    else:
        wanted &= set(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    wanted = targets.may_see(target, wanted)
    choices = preferences_for(wanted, kind)
    wanted = {user_id for user_id in wanted if choices[user_id].wants_anything}
    if not wanted:
        return []
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=kind,
                key=key[:150],
                actor=actor,
                product_id=product_id,
                target=target,
                text=_one_line(text, TEXT_MAX),
                link=link[:LINK_MAX],
                created_at=now,
                in_app=choices[user_id].in_app,
            )
            for user_id in sorted(wanted)
        ],
        ignore_conflicts=True,
    )
    enqueue_after_commit("notifications.send_event", key[:150])
    return sorted(wanted)


def _one_line(text: str, length: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


# --- reading ---------------------------------------------------------------------


@transaction.atomic
def notification_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the person's notifications read (reading it twice changes nothing)."""
    if notification.recipient_id != actor.pk:
        raise ValidationError("This notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


@transaction.atomic
def notification_unread(*, actor: User, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise ValidationError("This notification is not yours.")
    notification.read_at = None
    Notification.objects.filter(pk=notification.pk).update(read_at=None)
    return notification


@transaction.atomic
def notifications_read_all(*, actor: User) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- preferences -----------------------------------------------------------------


@transaction.atomic
def preference_set(*, actor: User, kind: Kind | str, in_app: bool | None = None, email: str | None = None):
    """Change the person's choice for one kind; what is left out keeps its value."""
    try:
        kind = Kind(kind)
    except ValueError:
        raise ValidationError({"kind": f"Unknown kind of notification {kind!r}."}) from None
    if email is not None and email not in Email.values:
        raise ValidationError({"email": f"Choose one of {', '.join(Email.values)} for email."})
    default = KINDS[kind]
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(
        user=actor, kind=kind, defaults={"in_app": default.in_app, "email": default.email}
    )
    if in_app is not None:
        preference.in_app = bool(in_app)
    if email is not None:
        preference.email = email
    preference.save(update_fields=["in_app", "email"])
    return preference


@transaction.atomic
def preferences_set(*, actor: User, choices: dict[str, dict]) -> list[NotificationPreference]:
    """Several kinds at once ({kind: {"in_app": bool, "email": "now"}}): all or none."""
    return [
        preference_set(actor=actor, kind=kind, in_app=choice.get("in_app"), email=choice.get("email"))
        for kind, choice in choices.items()
    ]
