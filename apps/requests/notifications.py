"""What the requester and watchers are told about a request, through the
portal's one notification system (apps.notifications): who may be told
(`audience`, asked when queuing and again when sending) and the email about a
request event (`render_email`). Both are registered in RequestsConfig.ready.

Delivery itself (one row per event and recipient, sent once, preferences as
they are when sending, the sweep) is apps.notifications.delivery's."""

from django.template.loader import render_to_string
from django.urls import reverse

from apps.accounts.models import Membership, Role
from apps.notifications.delivery import absolute
from apps.notifications.kinds import Kind
from apps.requests import access
from apps.requests.models import RequestEvent, StakeholderRequest


def notification_key(event: RequestEvent) -> str:
    return f"requests.event:{event.pk}"


def kind_of(event: RequestEvent) -> Kind:
    return Kind.REQUEST_DELIVERY if event.kind == RequestEvent.Kind.DELIVERY_MOVED else Kind.REQUEST_STATUS


def text_of(event: RequestEvent, stakeholder_request: StakeholderRequest) -> str:
    return f"{stakeholder_request.reference} “{stakeholder_request.title}” {headline(event)}"


def audience(event: RequestEvent, user_ids: set[int]) -> set[int]:
    """Those who may read the event's request now (the one rule of apps.requests.access)."""
    stakeholder_request = event.request
    roles = Membership.objects.filter(product_id=stakeholder_request.product_id, user_id__in=user_ids).values_list(
        "user_id", "role"
    )
    return {
        user_id for user_id, role in roles if access.may_read(stakeholder_request, user_id=user_id, role=Role(role))
    }


def render_email(notification) -> tuple[str, str]:
    event = RequestEvent.objects.select_related("actor", "request__product").get(pk=notification.target_id)
    stakeholder_request = event.request
    context = {
        "event": event,
        "request": stakeholder_request,
        "recipient": notification.recipient,
        "headline": headline(event),
        "link": absolute(stakeholder_request.get_absolute_url()),
        "settings_link": absolute(reverse("requests_overview:notification-settings")),
    }
    subject = f"[{stakeholder_request.product.name}] {stakeholder_request.reference} {headline(event)}"
    return subject, render_to_string("requests/email/update.txt", context)


def headline(event: RequestEvent) -> str:
    if event.kind == RequestEvent.Kind.DELIVERY_MOVED:
        return "expected delivery moved"
    if event.kind == RequestEvent.Kind.FINDING:
        return "has news: an experiment concluded"
    return {
        "new": "is back in triage",
        "needs_info": "needs more information from you",
        "accepted": "was accepted",
        "declined": "was declined",
        "duplicate": "was merged into another request",
        "delivered": "was delivered",
        "withdrawn": "was withdrawn by its requester",
    }[event.new_status]
