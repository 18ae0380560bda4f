"""The status workflow of backlog items: which moves are legal, and when an
item is ready."""

from typing import NamedTuple

from apps.backlog.models import BacklogItem

Status = BacklogItem.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.READY, Status.DROPPED}),
    Status.READY: frozenset({Status.NEW, Status.IN_PROGRESS, Status.DROPPED}),
    Status.IN_PROGRESS: frozenset({Status.READY, Status.IN_REVIEW, Status.DONE, Status.DROPPED}),
    Status.IN_REVIEW: frozenset({Status.IN_PROGRESS, Status.DONE, Status.DROPPED}),
    Status.DONE: frozenset({Status.IN_PROGRESS}),
    Status.DROPPED: frozenset({Status.NEW}),
}

# Statuses in which an item still counts as open work.
OPEN = frozenset({Status.NEW, Status.READY, Status.IN_PROGRESS, Status.IN_REVIEW})


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def allowed_targets(current: str) -> list[str]:
    return [status for status in Status.values if can_move(current, status)]


class Lack(NamedTuple):
    """Something an item needs before it may be marked ready."""

    what: str  # "an estimate", as in "Missing: acceptance criteria and an estimate"
    problem: str  # "it has no estimate", as in "#12 is not ready: it has no estimate."


NO_CRITERIA = Lack("acceptance criteria", "it has no acceptance criteria")
NO_ESTIMATE = Lack("an estimate", "it has no estimate")


def readiness_lacks(item: BacklogItem) -> list[Lack]:
    """What the item lacks to be ready (empty when it may be marked ready): the
    one rule for the grooming page, the item page and the workflow. Uses the
    item's prefetched acceptance criteria when there are some."""
    lacks = []
    if not item.acceptance_criteria.all():
        lacks.append(NO_CRITERIA)
    if not item.is_estimated:
        lacks.append(NO_ESTIMATE)
    return lacks


def readiness_problems(item: BacklogItem) -> list[str]:
    """Why the item may not be marked ready yet (empty when it may)."""
    return [lack.problem for lack in readiness_lacks(item)]
