"""The status workflow of backlog items: which moves are legal."""

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


def readiness_problems(item: BacklogItem) -> list[str]:
    """Why the item may not be marked ready yet (empty when it may)."""
    problems = []
    if not item.acceptance_criteria.exists():
        problems.append("it has no acceptance criteria")
    if not item.is_estimated:
        problems.append("it has no estimate")
    return problems
