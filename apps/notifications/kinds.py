"""The kinds of event a person can be told about, with what happens when
they never chose (one table, as apps.accounts.permissions is for rights).

Each kind is delivered in-app (the bell and /notifications/) and/or by email,
at once or in the daily digest, as the person's preference for that kind says
when the notification is *sent*. Apps that emit events name a kind here and
call apps.notifications.services.notify."""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models


class Kind(StrEnum):
    MENTIONED = "mentioned"
    ASSIGNED = "assigned"
    ITEM_STATUS = "item_status"
    ITEM_COMMENT = "item_comment"
    REQUEST_STATUS = "request_status"
    REQUEST_DELIVERY = "request_delivery"
    FORECAST_MOVED = "forecast_moved"
    SURVEY_OPENED = "survey_opened"
    RETRO_STARTED = "retro_started"


class Email(models.TextChoices):
    OFF = "off", "No email"
    NOW = "now", "Email at once"
    DAILY = "daily", "Daily digest"


@dataclass(frozen=True)
class KindInfo:
    label: str
    description: str
    in_app: bool = True
    email: Email = Email.NOW


KINDS: dict[Kind, KindInfo] = {
    Kind.MENTIONED: KindInfo("Mentions", "Someone mentioned you in a comment."),
    Kind.ASSIGNED: KindInfo("Assigned to you", "A backlog item was assigned to you."),
    Kind.ITEM_STATUS: KindInfo("Watched items: status", "An item you watch changed status.", email=Email.DAILY),
    Kind.ITEM_COMMENT: KindInfo(
        "Watched items: comments", "Someone commented on an item you watch.", email=Email.DAILY
    ),
    Kind.REQUEST_STATUS: KindInfo(
        "Requests: decisions and status", "A request you raised or watch was decided or changed status."
    ),
    Kind.REQUEST_DELIVERY: KindInfo(
        "Requests: expected delivery", "The expected delivery of a request you raised or watch moved."
    ),
    Kind.FORECAST_MOVED: KindInfo(
        "Roadmap: forecast moved",
        "The forecast of a roadmap item you watch moved by more than a week.",
        email=Email.DAILY,
    ),
    # The survey's own invitation email carries the personal link; this is the bell's reminder of it.
    Kind.SURVEY_OPENED: KindInfo(
        "Surveys to answer", "A happiness survey round you are asked to answer opened.", email=Email.OFF
    ),
    Kind.RETRO_STARTED: KindInfo("Retrospectives", "A retrospective of your team started."),
}

KIND_CHOICES = [(kind.value, info.label) for kind, info in KINDS.items()]
