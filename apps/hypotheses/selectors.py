"""Reads about assumptions shared by the pages, the sprint page's section and the API."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from apps.backlog.models import BacklogItem
from apps.hypotheses.models import Assumption
from apps.sprints.metrics import points_of
from apps.sprints.models import Sprint


def assumptions(product, *, sprint: Sprint | None = None) -> QuerySet[Assumption]:
    """The product's assumptions (of one sprint, if given) in the order they were recorded, with their follow-ups."""
    rows = Assumption.objects.filter(product=product)
    if sprint is not None:
        rows = rows.filter(sprint=sprint)
    return (
        rows.select_related("sprint", "created_by", "checked_by")
        .prefetch_related(
            Prefetch("follow_up_items", queryset=BacklogItem.objects.select_related("product").order_by("number"))
        )
        .order_by("created_at", "id")
    )


def assumption_row(assumption: Assumption) -> Assumption:
    """One assumption read again, as `assumptions` lists it."""
    return assumptions(assumption.product_id).get(pk=assumption.pk)


@dataclass
class WrongAssumptionCost:
    wrong: int
    follow_ups: int
    points: Decimal


def cost_of_wrong(items: list[Assumption]) -> WrongAssumptionCost:
    """How much work wrong assumptions added: their follow-up items' expected points."""
    wrong = [assumption for assumption in items if assumption.status == Assumption.Status.WRONG]
    follow_ups = [item for assumption in wrong for item in assumption.follow_up_items.all()]
    return WrongAssumptionCost(
        wrong=len(wrong),
        follow_ups=len(follow_ups),
        points=sum((points_of(item.expected_points) for item in follow_ups), Decimal(0)),
    )


def spawning_assumptions(item: BacklogItem) -> list[Assumption]:
    """The wrong assumptions this item is a follow-up of."""
    return list(item.spawned_by_assumptions.select_related("sprint__product"))
