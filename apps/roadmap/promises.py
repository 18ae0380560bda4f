"""What the roadmap tells the requests app (registered in RoadmapConfig.ready):
the expected delivery of a request that is part of a roadmap item with a
forecast ("85 % likely by 14 March 2026"), and, for the PM, a panel on the
request page to put the request on the roadmap."""

import datetime

from django.urls import reverse
from django.utils import timezone

from apps.accounts.permissions import Action, can
from apps.requests.delivery import ExpectedDelivery, PlanningPanel
from apps.requests.models import StakeholderRequest
from apps.roadmap.forecasting import MOVE_WORTH_TELLING
from apps.roadmap.models import Forecast, RoadmapItem

CLOSED = (RoadmapItem.Status.DELIVERED, RoadmapItem.Status.DROPPED)


def forecast_deliveries(requests: list[StakeholderRequest]) -> dict[int, ExpectedDelivery]:
    """For requests linked to an open roadmap item (directly, or through their
    backlog item) that has a forecast: its 85 % date. Three queries however
    many requests; a request on several items takes the latest date."""
    by_request: dict[int, set[int]] = {}
    for request_id, item_id in RoadmapItem.requests.through.objects.filter(
        stakeholderrequest_id__in=[r.pk for r in requests]
    ).values_list("stakeholderrequest_id", "roadmapitem_id"):
        by_request.setdefault(request_id, set()).add(item_id)
    backlog_ids = {r.backlog_item_id for r in requests if r.backlog_item_id}
    by_backlog: dict[int, set[int]] = {}
    for backlog_id, item_id in RoadmapItem.backlog_items.through.objects.filter(
        backlogitem_id__in=backlog_ids
    ).values_list("backlogitem_id", "roadmapitem_id"):
        by_backlog.setdefault(backlog_id, set()).add(item_id)
    wanted = set().union(*by_request.values(), *by_backlog.values())
    items = {
        item.pk: item
        for item in RoadmapItem.objects.filter(
            pk__in=wanted, forecast__outcome=Forecast.Outcome.FORECAST, forecast__p85__isnull=False
        )
        .exclude(status__in=CLOSED)
        .select_related("forecast")
    }
    result = {}
    for stakeholder_request in requests:
        linked = by_request.get(stakeholder_request.pk, set())
        if stakeholder_request.backlog_item_id:
            linked = linked | by_backlog.get(stakeholder_request.backlog_item_id, set())
        candidates = [items[pk] for pk in linked if pk in items]
        if not candidates:
            continue
        item = max(candidates, key=lambda each: each.forecast.p85 or datetime.date.min)
        result[stakeholder_request.pk] = promise_of(item)
    return result


def promise_of(item: RoadmapItem) -> ExpectedDelivery:
    forecast = item.forecast
    p85 = forecast.p85 or timezone.localdate()  # callers pass items whose forecast has a date
    computed = timezone.localtime(forecast.computed_at)
    part_of = f"Part of “{item.title}” on the roadmap" if item.shared else "Part of planned work on the roadmap"
    return ExpectedDelivery(
        on=p85,
        label=f"85 % likely by {p85.day} {p85:%B %Y}",
        source="forecast",
        detail=f"{part_of}; forecast from the team's pace, computed {computed.day} {computed:%b %Y}.",
        tolerance_days=MOVE_WORTH_TELLING,
    )


def roadmap_panel(*, stakeholder_request: StakeholderRequest, user) -> PlanningPanel | None:
    """For the PM: put the request on an existing roadmap item or a new one made from it."""
    product = stakeholder_request.product
    if not can(user, Action.EDIT_ROADMAP, product) or stakeholder_request.status in ("declined", "duplicate"):
        return None
    items = list(RoadmapItem.objects.filter(product=product).exclude(status__in=CLOSED).order_by("horizon", "rank"))
    linked = set(
        RoadmapItem.requests.through.objects.filter(stakeholderrequest_id=stakeholder_request.pk).values_list(
            "roadmapitem_id", flat=True
        )
    )
    on = [item.title for item in items if item.pk in linked]
    return PlanningPanel(
        title="Roadmap",
        action=reverse("roadmap:request-attach", args=[product.slug, stakeholder_request.number]),
        choices=[("new", "A new roadmap item from this request")]
        + [(str(item.pk), f"{item.title} ({item.get_horizon_display()})") for item in items if item.pk not in linked],
        button="Put on the roadmap",
        note=f"On the roadmap as: {', '.join(on)}." if on else "",
    )
