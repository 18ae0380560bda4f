"""When a requester can expect their accepted request to be delivered.

Estimates come from providers asked in order; the first that knows a
request's delivery wins. The sprint plan is the last resort; apps above this
one register theirs in front of it (the roadmap's forecast, in its
AppConfig.ready), and every page, API field and "delivery moved" email picks
it up. Apps that plan work can also offer a panel on the request page
(`register_planner`), so a PM puts the request on their plan from there.
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
    # Shown under the date, e.g. the planned work the request is part of.
    detail: str = ""
    # A move of the date by at most this many days is not worth an email (a forecast wobbles).
    tolerance_days: int = 0

    def moved_from(self, told: date | None) -> bool:
        """Does this estimate differ from the date watchers were last told, by more than the tolerance?"""
        if self.on is None or told is None:
            return self.on != told
        return abs((self.on - told).days) > self.tolerance_days


Provider = Callable[[list[StakeholderRequest]], dict[int, ExpectedDelivery]]  # accepted requests -> by request id


NOT_YET_PLANNED = ExpectedDelivery(on=None, label="not yet planned", source="unplanned")


def sprint_plan(requests: list[StakeholderRequest]) -> dict[int, ExpectedDelivery]:
    """Requests whose backlog item is committed to a planned or active sprint are expected by its end."""
    sprints = planned_sprints(sorted({r.backlog_item_id for r in requests if r.backlog_item_id}))
    return {
        r.pk: ExpectedDelivery(
            on=sprint.end_date, label=f"by {date_format(sprint.end_date)} ({sprint.name})", source="sprint"
        )
        for r in requests
        if (sprint := sprints.get(r.backlog_item_id)) is not None  # type: ignore[arg-type]
    }


PROVIDERS: list[Provider] = [sprint_plan]


def register_provider(provider: Provider) -> Provider:
    """Ask `provider` before those registered earlier (the sprint plan stays the last resort)."""
    if provider not in PROVIDERS:
        PROVIDERS.insert(0, provider)
    return provider


@dataclass(frozen=True)
class PlanningPanel:
    """A form on the request page that posts the request to another app's plan."""

    title: str
    action: str  # the URL the form posts to
    choices: list[tuple[str, str]]  # (value of the "item" field, label)
    button: str
    note: str = ""


Planner = Callable[..., PlanningPanel | None]  # (*, stakeholder_request, user) -> panel or None

_planners: list[Planner] = []


def register_planner(planner: Planner) -> Planner:
    if planner not in _planners:
        _planners.append(planner)
    return planner


def planning_panels(stakeholder_request: StakeholderRequest, user) -> list[PlanningPanel]:
    """The panels the registered planners offer this user for this request."""
    panels = (planner(stakeholder_request=stakeholder_request, user=user) for planner in _planners)
    return [panel for panel in panels if panel is not None]


def expected_deliveries(requests: Iterable[StakeholderRequest]) -> dict[int, ExpectedDelivery]:
    """By request id, for accepted and delivered requests (others have none yet).
    One query per provider, however many requests."""
    requests = list(requests)
    pending = [r for r in requests if r.status == Status.ACCEPTED]
    found: dict[int, ExpectedDelivery] = {}
    for provider in PROVIDERS:
        if not pending:
            break
        found.update(provider(pending))
        pending = [r for r in pending if r.pk not in found]
    result = {}
    for request in requests:
        if request.status == Status.DELIVERED:
            delivered_on = request.delivered_at.date() if request.delivered_at else None
            label = f"delivered on {date_format(delivered_on)}" if delivered_on else "delivered"
            result[request.pk] = ExpectedDelivery(on=delivered_on, label=label, source="delivered")
        elif request.status == Status.ACCEPTED:
            result[request.pk] = found.get(request.pk, NOT_YET_PLANNED)
    return result
