"""Reads about stakeholder requests that pages and the API share.

Everything a person may see goes through `visible_requests`: the product team
sees every request; other members see their own and the product's public
ones. Lists, searches, counts, filters and suggestions all start from it, so
none of them can reveal a request the person may not open.
"""

import re
from difflib import SequenceMatcher

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from apps.accounts.permissions import Action, can, product_ids_where, require
from apps.products.access import get_product
from apps.requests import sla
from apps.requests.models import (
    DEFAULT_RESPONSE_TARGET_DAYS,
    Attachment,
    Comment,
    RequestEvent,
    StakeholderRequest,
    TriageSettings,
    Vote,
    Watcher,
)

Status = StakeholderRequest.Status


def visible_requests(user, product) -> QuerySet[StakeholderRequest]:
    requests = StakeholderRequest.objects.filter(product=product)
    if can(user, Action.VIEW_REQUEST_INTERNALS, product):
        return requests
    if not can(user, Action.VIEW_REQUESTS, product):
        return requests.none()
    return requests.filter(Q(requester=user) | Q(visibility=StakeholderRequest.Visibility.PUBLIC))


def vote_count() -> Coalesce:
    """Votes per request as a correlated subquery: unlike a join with GROUP BY,
    it is computed only for the rows of the page, however many match."""
    votes = Vote.objects.filter(request=OuterRef("pk")).order_by().values("request").annotate(n=Count("pk"))
    return Coalesce(Subquery(votes.values("n"), output_field=IntegerField()), 0)


def with_viewer_state(requests: QuerySet, user) -> QuerySet[StakeholderRequest]:
    """Adds vote_count, has_voted and is_watching, and the joins every list shows."""
    return requests.select_related("product", "requester", "backlog_item", "duplicate_of").annotate(
        vote_count=vote_count(),
        has_voted=Exists(Vote.objects.filter(request=OuterRef("pk"), user=user)),
        is_watching=Exists(Watcher.objects.filter(request=OuterRef("pk"), user=user)),
    )


def request_list(user, product) -> QuerySet[StakeholderRequest]:
    return with_viewer_state(visible_requests(user, product), user).order_by("-created_at", "-pk")


def my_requests(user) -> QuerySet[StakeholderRequest]:
    """Across the user's products: requests they raised or watch (and may still see)."""
    member_of = product_ids_where(user, Action.VIEW_REQUESTS)
    team_of = product_ids_where(user, Action.VIEW_REQUEST_INTERNALS)
    may_see = Q(requester=user) | Q(visibility=StakeholderRequest.Visibility.PUBLIC) | Q(product_id__in=team_of)
    mine_or_watched = Q(requester=user) | Q(pk__in=Watcher.objects.filter(user=user).values("request_id"))
    requests = StakeholderRequest.objects.filter(mine_or_watched, may_see, product_id__in=member_of)
    return with_viewer_state(requests, user).order_by("-updated_at", "-pk")


def get_request(user, product_slug: str, number: int, action: Action = Action.VIEW_REQUESTS) -> StakeholderRequest:
    """The request, if the user may see it and do `action` in its product:
    404 for non-members and for requests hidden from them, 403 for a missing right."""
    product = get_product(user, product_slug, Action.VIEW_REQUESTS)
    stakeholder_request = with_viewer_state(visible_requests(user, product), user).filter(number=number).first()
    if stakeholder_request is None:
        raise Http404("No such request.")
    require(user, action, product)
    stakeholder_request.product = product  # keeps viewer_role for templates
    return stakeholder_request


def requests_from_item(item) -> QuerySet[StakeholderRequest]:
    """The requests accepted into (or delivered by) a backlog item, for the team's item page."""
    return item.stakeholder_requests.select_related("product", "requester").order_by("number")


def public_thread(stakeholder_request: StakeholderRequest) -> QuerySet[Comment]:
    return stakeholder_request.comments.filter(internal=False).select_related("author")


def internal_notes(stakeholder_request: StakeholderRequest) -> QuerySet[Comment]:
    return stakeholder_request.comments.filter(internal=True).select_related("author")


def comments_for(user, stakeholder_request: StakeholderRequest) -> QuerySet[Comment]:
    """The public thread, plus internal notes for the product team."""
    comments = stakeholder_request.comments.select_related("author")
    if not can(user, Action.VIEW_REQUEST_INTERNALS, stakeholder_request.product_id):
        comments = comments.filter(internal=False)
    return comments


def history(stakeholder_request: StakeholderRequest) -> QuerySet[RequestEvent]:
    return stakeholder_request.events.select_related("actor")


def attachments_of(stakeholder_request: StakeholderRequest) -> QuerySet[Attachment]:
    return stakeholder_request.attachments.select_related("uploaded_by")


def may_see_attachments(user, stakeholder_request: StakeholderRequest) -> bool:
    """Files are the requester's and the team's: other members see the public
    request but not what was attached to it."""
    return stakeholder_request.requester_id == user.pk or can(
        user, Action.VIEW_REQUEST_INTERNALS, stakeholder_request.product_id
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
    requests = StakeholderRequest.objects.filter(product_id__in=product_ids_where(user, Action.VIEW_TRIAGE_INBOX))
    awake = Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today)
    if state == InboxState.WAITING:
        requests = requests.filter(status=Status.NEEDS_INFO)
    elif state == InboxState.SNOOZED:
        requests = requests.filter(status=Status.NEW).exclude(awake)
    else:
        requests = requests.filter(awake, status=Status.NEW)
    return (
        requests.select_related("product", "product__triage_settings", "requester")
        .annotate(vote_count=vote_count())
        .order_by("created_at", "pk")
    )


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
        with_viewer_state(visible_requests(user, product), user)
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
