"""When a requester can expect their accepted request to be delivered.

Estimates come from providers asked in order; the first that knows a backlog
item's delivery wins. Today the only provider is the sprint plan. There is no
roadmap forecast yet: when one exists, its provider goes in front of
`sprint_plan` in PROVIDERS and every page, API field and "delivery moved"
email picks it up.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format

from apps.requests.models import StakeholderRequest
from apps.sprints.selectors import planned_sprints

Status = StakeholderRequest.Status


@dataclass(frozen=True)
class ExpectedDelivery:
    on: date | None
    label: str
    # "delivered", "forecast", "sprint" or "unplanned"
    source: str


NOT_YET_PLANNED = ExpectedDelivery(on=None, label="not yet planned", source="unplanned")


def sprint_plan(item_ids: list[int]) -> dict[int, ExpectedDelivery]:
    """Items committed to a planned or active sprint are expected by its end."""
    return {
        item_id: ExpectedDelivery(
            on=sprint.end_date,
            label=f"by {date_format(sprint.end_date)} ({sprint.name})",
            source="sprint",
        )
        for item_id, sprint in planned_sprints(item_ids).items()
    }


PROVIDERS: list[Callable[[list[int]], dict[int, ExpectedDelivery]]] = [sprint_plan]


def expected_deliveries(requests: Iterable[StakeholderRequest]) -> dict[int, ExpectedDelivery]:
    """By request id, for accepted and delivered requests (others have none yet).
    One query per provider, however many requests."""
    requests = list(requests)
    pending = {r.backlog_item_id for r in requests if r.status == Status.ACCEPTED and r.backlog_item_id}
    by_item: dict[int, ExpectedDelivery] = {}
    for provider in PROVIDERS:
        if not pending:
            break
        found = provider(sorted(pending))
        by_item.update(found)
        pending -= found.keys()
    result = {}
    for request in requests:
        if request.status == Status.DELIVERED:
            delivered_on = request.delivered_at.date() if request.delivered_at else None
            label = f"delivered on {date_format(delivered_on)}" if delivered_on else "delivered"
            result[request.pk] = ExpectedDelivery(on=delivered_on, label=label, source="delivered")
        elif request.status == Status.ACCEPTED:
            item_id = request.backlog_item_id
            result[request.pk] = NOT_YET_PLANNED if item_id is None else by_item.get(item_id, NOT_YET_PLANNED)
    return result
