"""Reads about stakeholder requests that pages and the API share.

They start from the list filters of apps.requests.access (who may read which
request is decided there, once), and add the joins and counts the pages show,
so none of them can reveal a request the person may not open.
"""

import re
from difflib import SequenceMatcher

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.notifications.kinds import KINDS, Kind
from apps.requests import access, sla
from apps.requests.models import (
    DEFAULT_RESPONSE_TARGET_DAYS,
    Attachment,
    Comment,
    NotificationPreference,
    RequestEvent,
    StakeholderRequest,
    TriageSettings,
)

Status = StakeholderRequest.Status


def request_list(user, product) -> QuerySet[StakeholderRequest]:
    return access.visible_requests(user, product).as_seen_by(user).order_by("-created_at", "-pk")


def my_requests(user) -> QuerySet[StakeholderRequest]:
    """Across the user's products: requests they raised or watch (and may still see)."""
    return access.followed_requests(user).as_seen_by(user).order_by("-updated_at", "-pk")


def requests_from_item(item) -> QuerySet[StakeholderRequest]:
    """The requests accepted into (or delivered by) a backlog item, for the team's item page."""
    return item.stakeholder_requests.select_related("product", "requester").order_by("number")


def public_thread(stakeholder_request: StakeholderRequest) -> QuerySet[Comment]:
    return stakeholder_request.comments.filter(internal=False).select_related("author")


def internal_notes(stakeholder_request: StakeholderRequest) -> QuerySet[Comment]:
    return stakeholder_request.comments.filter(internal=True).select_related("author")


def duplicates_of(stakeholder_request: StakeholderRequest) -> QuerySet[StakeholderRequest]:
    """The requests merged into this one, for the team's view of it."""
    return stakeholder_request.duplicates.all()


def history(stakeholder_request: StakeholderRequest) -> QuerySet[RequestEvent]:
    return stakeholder_request.events.select_related("actor")


def attachments_of(stakeholder_request: StakeholderRequest) -> QuerySet[Attachment]:
    return stakeholder_request.attachments.select_related("uploaded_by")


def notification_preference(user) -> NotificationPreference:
    """The person's choice about request updates (an unsaved default when they never chose)."""
    default = KINDS[Kind.REQUEST_STATUS]
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user, kind=Kind.REQUEST_STATUS, in_app=default.in_app, email=default.email
    )


def timeline(stakeholder_request: StakeholderRequest) -> list[dict]:
    """The public thread and status events in order, as the requester sees them."""
    entries = [{"comment": comment, "at": comment.created_at} for comment in public_thread(stakeholder_request)]
    entries += [{"event": event, "at": event.created_at} for event in history(stakeholder_request)]
    return sorted(entries, key=lambda entry: entry["at"])


# --- Triage inbox --------------------------------------------------------------


class InboxState:
    TRIAGE = "triage"
    WAITING = "waiting"
    SNOOZED = "snoozed"
    choices = [(TRIAGE, "To triage"), (WAITING, "Waiting for the requester"), (SNOOZED, "Snoozed")]

    @classmethod
    def of(cls, value: str | None) -> str:
        return value if value in dict(cls.choices) else cls.TRIAGE


def inbox(user, state: str = InboxState.TRIAGE) -> QuerySet[StakeholderRequest]:
    """Undecided requests of the products whose inbox the user may see, oldest first.
    A snoozed request is back in "to triage" from its snooze date on."""
    today = timezone.localdate()
    requests = access.inbox_requests(user)
    awake = Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today)
    if state == InboxState.WAITING:
        requests = requests.filter(status=Status.NEEDS_INFO)
    elif state == InboxState.SNOOZED:
        requests = requests.filter(status=Status.NEW).exclude(awake)
    else:
        requests = requests.filter(awake, status=Status.NEW)
    # as_seen_by: the inbox rows carry has_voted and is_watching like every other request row.
    return requests.as_seen_by(user).select_related("product__triage_settings").order_by("created_at", "pk")


def flag_service_levels(requests, today=None) -> list[StakeholderRequest]:
    """Sets age_days (working days waiting) and overdue (past the product's target) on each request."""
    today = today or timezone.localdate()
    flagged = []
    for stakeholder_request in requests:
        submitted_on = timezone.localdate(stakeholder_request.created_at)
        target = response_target_days(stakeholder_request.product)
        stakeholder_request.age_days = sla.working_days_between(submitted_on, today)
        stakeholder_request.target_days = target
        stakeholder_request.overdue = sla.is_overdue(submitted_on=submitted_on, today=today, target_days=target)
        flagged.append(stakeholder_request)
    return flagged


def response_target_days(product) -> int:
    try:
        return product.triage_settings.response_target_days
    except TriageSettings.DoesNotExist:
        return DEFAULT_RESPONSE_TARGET_DAYS


def service_level(stakeholder_request: StakeholderRequest) -> dict:
    """Working days to first response and to decision (None while not reached)."""
    submitted_on = timezone.localdate(stakeholder_request.created_at)

    def days_until(moment):
        return None if moment is None else sla.working_days_between(submitted_on, timezone.localdate(moment))

    return {
        "first_response_days": days_until(stakeholder_request.first_response_at),
        "decision_days": days_until(stakeholder_request.decided_at),
        "target_days": response_target_days(stakeholder_request.product),
    }


# --- Similar requests ------------------------------------------------------------

WORD = re.compile(r"[^\W_]{3,}")
# fmt: off
STOP_WORDS = frozenset({
    "the", "and", "for", "with", "that", "this", "from", "into", "our", "are", "can", "not", "but", "have",
    "has", "was", "were", "will", "would", "should", "could", "when", "what", "which", "who", "why", "how",
    "all", "any", "more", "most", "some", "such", "only", "than", "too", "very", "its", "they", "them",
    "their", "there", "about", "need", "needs", "want", "wants", "get", "gets", "make", "made", "please",
    "able",
})
# fmt: on
SIMILAR_CANDIDATES = 200
SIMILAR_THRESHOLD = 0.3


def similar_requests(user, product, text: str, *, limit: int = 5) -> list[StakeholderRequest]:
    """Requests the user may see whose title or problem resembles `text`, best first.

    Candidates share at least one significant word (found by the database);
    they are then scored by word overlap and character similarity of titles.
    Merged duplicates point to the request that was kept, so they are left out.
    """
    words = significant_words(text)
    if not words:
        return []
    matches_a_word = Q()
    for word in words:
        matches_a_word |= Q(title__icontains=word) | Q(problem__icontains=word)
    candidates = list(
        access.visible_requests(user, product)
        .as_seen_by(user)
        .exclude(status=Status.DUPLICATE)
        .filter(matches_a_word)
        .order_by("-created_at")[:SIMILAR_CANDIDATES]
    )
    scored = [(similarity(text, words, candidate), candidate) for candidate in candidates]
    scored = [(score, candidate) for score, candidate in scored if score >= SIMILAR_THRESHOLD]
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    for score, candidate in scored:
        candidate.similarity = score
    return [candidate for _, candidate in scored[:limit]]


def significant_words(text: str) -> set[str]:
    return {word for word in WORD.findall((text or "").lower()) if word not in STOP_WORDS}


def similarity(text: str, words: set[str], candidate: StakeholderRequest) -> float:
    title_words = significant_words(candidate.title)
    problem_words = significant_words(candidate.problem)
    title_overlap = len(words & title_words) / len(words | title_words) if title_words else 0.0
    problem_overlap = len(words & problem_words) / len(words) if problem_words else 0.0
    shape = SequenceMatcher(None, text.lower().strip(), candidate.title.lower()).ratio()
    return round(0.5 * title_overlap + 0.2 * problem_overlap + 0.3 * shape, 3)
