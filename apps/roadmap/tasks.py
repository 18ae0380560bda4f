"""Thin Celery tasks: they take ids, call a function, and may run twice safely
(a forecast whose inputs did not change is not rewritten)."""

from celery import shared_task

from apps.backlog.models import BacklogItem
from apps.roadmap import forecasting
from apps.roadmap.models import RoadmapItem

LIMITS = {"soft_time_limit": 240, "time_limit": 300}


@shared_task(name="roadmap.recompute_forecasts", **LIMITS)
def recompute_forecasts(
    product_id: int, roadmap_item_ids: list[int] | None = None, epic_ids: list[int] | None = None
) -> int:
    """Recompute a product's forecasts (all of them, or those named); returns how many changed."""
    result = forecasting.recompute(product_id=product_id, roadmap_item_ids=roadmap_item_ids, epic_ids=epic_ids)
    return len(result.changed)


@shared_task(name="roadmap.recompute_all_forecasts", **LIMITS)
def recompute_all_forecasts() -> int:
    """Nightly: one task per product that has a roadmap or epics (the history moved on by a day)."""
    product_ids = set(RoadmapItem.objects.values_list("product_id", flat=True).distinct())
    product_ids |= set(
        BacklogItem.objects.filter(kind=BacklogItem.Kind.EPIC).values_list("product_id", flat=True).distinct()
    )
    for product_id in sorted(product_ids):
        recompute_forecasts.delay(product_id)
    return len(product_ids)
