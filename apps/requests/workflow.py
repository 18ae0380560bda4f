"""Which status changes a stakeholder request may go through, and who causes them."""

from apps.requests.models import StakeholderRequest

Status = StakeholderRequest.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    # Before a decision the requester may also withdraw the request (services.request_withdraw).
    Status.NEW: frozenset({Status.NEEDS_INFO, Status.ACCEPTED, Status.DECLINED, Status.DUPLICATE, Status.WITHDRAWN}),
    # The requester's answer puts it back in the inbox; the PM may also decide right away.
    Status.NEEDS_INFO: frozenset({Status.NEW, Status.ACCEPTED, Status.DECLINED, Status.DUPLICATE, Status.WITHDRAWN}),
    # Delivery follows the linked backlog item; reopening the item reopens the request.
    Status.ACCEPTED: frozenset({Status.DELIVERED}),
    Status.DELIVERED: frozenset({Status.ACCEPTED}),
    Status.DECLINED: frozenset(),
    Status.DUPLICATE: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# Statuses that end triage: reaching one records the time to decision.
DECIDED_STATUSES = frozenset({Status.ACCEPTED, Status.DECLINED, Status.DUPLICATE})


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
