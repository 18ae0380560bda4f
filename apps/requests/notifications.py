"""Sending the outbox: each Notification row becomes one email, once.

The row is locked while its email is sent and marked sent in the same
transaction, so a task that runs twice (a retry, a doubled delivery by the
broker, the periodic sweep racing the on-commit task) sends nothing more.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.requests.models import Notification, RequestEvent

# The on-commit task normally sends within seconds; the sweep only picks up
# what it missed (a lost task, a worker that died), so it leaves fresh rows alone.
SWEEP_GRACE = timedelta(minutes=2)


def event_notifications_send(*, event_id: int) -> int:
    """Send the unsent emails of one event; returns how many were sent now."""
    pending = Notification.objects.filter(event_id=event_id, sent_at__isnull=True).values_list("pk", flat=True)
    return sum(notification_send(notification_id=pk) for pk in list(pending))


def pending_notifications_send(*, limit: int = 500) -> int:
    """The sweep: send emails whose on-commit task never ran."""
    cutoff = timezone.now() - SWEEP_GRACE
    pending = (
        Notification.objects.filter(sent_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_send(notification_id=pk) for pk in list(pending))


@transaction.atomic
def notification_send(*, notification_id: int) -> bool:
    locked = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, sent_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )
    if locked is None:
        return False
    notification = Notification.objects.select_related("recipient", "event__actor", "event__request__product").get(
        pk=locked
    )
    _email_for(notification).send()
    Notification.objects.filter(pk=locked).update(sent_at=timezone.now())
    return True


def _email_for(notification: Notification) -> EmailMessage:
    event = notification.event
    stakeholder_request = event.request
    context = {
        "event": event,
        "request": stakeholder_request,
        "recipient": notification.recipient,
        "headline": headline(event),
        "link": settings.PORTAL_BASE_URL + stakeholder_request.get_absolute_url(),
        "settings_link": settings.PORTAL_BASE_URL + reverse("requests_overview:notification-settings"),
    }
    subject = f"[{stakeholder_request.product.name}] {stakeholder_request.reference} {headline(event)}"
    return EmailMessage(
        # One line: a newline in a name would make the mail header invalid.
        subject=" ".join(subject.split())[:200],
        body=render_to_string("requests/email/update.txt", context),
        to=[notification.recipient.email],
    )


def headline(event: RequestEvent) -> str:
    if event.kind == RequestEvent.Kind.DELIVERY_MOVED:
        return "expected delivery moved"
    return {
        "new": "is back in triage",
        "needs_info": "needs more information from you",
        "accepted": "was accepted",
        "declined": "was declined",
        "duplicate": "was merged into another request",
        "delivered": "was delivered",
        "withdrawn": "was withdrawn by its requester",
    }[event.new_status]
