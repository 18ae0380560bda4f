"""Sending the outbox: each Notification row is delivered once.

The row is locked while it is delivered and marked in the same transaction,
so a task that runs twice (a retry, a doubled delivery by the broker, the
sweep racing the on-commit task) sends nothing more. What is delivered is
decided here, with the person's preference and rights as they are *now*:
someone who may no longer see the object gets nothing (the row leaves the
bell), someone who turned email off gets none, someone who chose the daily
digest gets the row in tomorrow morning's digest.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.core.outbox import lock_unsent, overdue
from apps.notifications import targets
from apps.notifications.kinds import KINDS, Email, Kind
from apps.notifications.models import Notification
from apps.notifications.selectors import preferences_for

State = Notification.EmailState


def event_send(*, key: str) -> int:
    """Deliver the undelivered rows of one event; returns how many were delivered now."""
    pending = Notification.objects.filter(key=key, sent_at__isnull=True).values_list("pk", flat=True)
    return sum(notification_send(notification_id=pk) for pk in list(pending))


def pending_send(*, limit: int = 500) -> int:
    """The sweep: deliver rows whose on-commit task never ran."""
    pending = overdue(Notification.objects.all()).values_list("pk", flat=True)[:limit]
    return sum(notification_send(notification_id=pk) for pk in list(pending))


@transaction.atomic
def notification_send(*, notification_id: int) -> bool:
    """Deliver one row if nobody has; True when this call delivered it."""
    locked = lock_unsent(Notification.objects.all(), notification_id)
    if locked is None:
        return False
    notification = Notification.objects.select_related("recipient", "actor", "product", "target_type").get(pk=locked)
    now = timezone.now()
    changes: dict[str, Any] = {"sent_at": now}
    if not _still_allowed(notification):
        changes |= {"in_app": False, "email_state": State.NONE}
    else:
        preference = preferences_for([notification.recipient_id], Kind(notification.kind))[notification.recipient_id]
        changes["in_app"] = preference.in_app
        if preference.email == Email.OFF or not notification.recipient.email:
            changes["email_state"] = State.NONE
        elif preference.email == Email.DAILY:
            changes["email_state"] = State.DIGEST
        else:
            _email_for(notification).send()
            changes |= {"email_state": State.SENT, "emailed_at": now}
    Notification.objects.filter(pk=locked).update(**changes)
    return True


def _still_allowed(notification: Notification) -> bool:
    """May the recipient still see what the notification is about?"""
    recipient = notification.recipient
    if not recipient.is_active:
        return False
    if (
        notification.product_id is not None
        and not Membership.objects.filter(product_id=notification.product_id, user_id=recipient.pk).exists()
    ):
        return False
    if notification.target_type_id is not None:
        target = notification.target
        if target is None:  # the object is gone
            return False
        return recipient.pk in targets.may_see(target, [recipient.pk])
    return True


def _email_for(notification: Notification) -> EmailMessage:
    renderer = targets.rules_of(notification.target_type.model_class() if notification.target_type else None).email
    if renderer is not None:
        subject, body = renderer(notification)
    else:
        subject = (f"[{notification.product.name}] " if notification.product else "") + notification.text
        body = render_to_string(
            "notifications/email/notification.txt",
            {
                "notification": notification,
                "recipient": notification.recipient,
                "link": absolute(notification.link),
                "settings_link": absolute(reverse("notifications:settings")),
                "why": KINDS[Kind(notification.kind)].description,
            },
        )
    return EmailMessage(subject=one_line_subject(subject), body=body, to=[notification.recipient.email])


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL + path if path.startswith("/") else path


def one_line_subject(subject: str) -> str:
    # One line: a newline in a name would make the mail header invalid.
    return " ".join(subject.split())[:200]


# --- the daily digest ------------------------------------------------------------


def digests_send() -> int:
    """Send each person waiting for a digest one email with what is waiting;
    returns how many emails went. A second run the same day sends nothing."""
    people = (
        Notification.objects.filter(email_state=State.DIGEST, emailed_at__isnull=True)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(digest_send(user_id=user_id) for user_id in list(people))


@transaction.atomic
def digest_send(*, user_id: int) -> bool:
    """One person's digest: their waiting rows, locked, checked again against
    their preferences and rights, sent in one email and marked."""
    waiting = list(
        Notification.objects.select_for_update()
        .filter(recipient_id=user_id, email_state=State.DIGEST, emailed_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not waiting:
        return False
    recipient = User.objects.get(pk=user_id)
    rows = Notification.objects.select_related("product", "target_type").filter(pk__in=waiting)
    wanted_kinds = {}
    shown, dropped = [], []
    for notification in rows.order_by("created_at", "id"):
        kind = Kind(notification.kind)
        if kind not in wanted_kinds:
            wanted_kinds[kind] = preferences_for([user_id], kind)[user_id].email != Email.OFF
        notification.recipient = recipient
        if wanted_kinds[kind] and recipient.email and _still_allowed(notification):
            shown.append(notification)
        else:
            dropped.append(notification.pk)
    now = timezone.now()
    if dropped:
        Notification.objects.filter(pk__in=dropped).update(email_state=State.NONE)
    if not shown:
        return False
    body = render_to_string(
        "notifications/email/digest.txt",
        {
            "recipient": recipient,
            "entries": [{"notification": n, "link": absolute(n.link)} for n in shown],
            "page_link": absolute(reverse("notifications:list")),
            "settings_link": absolute(reverse("notifications:settings")),
        },
    )
    subject = f"Your daily digest: {len(shown)} update{'s' if len(shown) != 1 else ''}"
    EmailMessage(subject=one_line_subject(subject), body=body, to=[recipient.email]).send()
    Notification.objects.filter(pk__in=[n.pk for n in shown]).update(email_state=State.SENT, emailed_at=now)
    return True
