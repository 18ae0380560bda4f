"""Backlog order with sparse integer ranks.

Items are spaced GAP apart; a move takes the midpoint between its new
neighbours, so it writes one row. When two neighbours have no integer left
between them the product's ranks are spread out again (rare: after about
log2(GAP) moves into the very same spot).
"""

from django.db.models import Max, Min

from apps.backlog.models import BacklogItem

GAP = 1 << 20


def rank_at_bottom(product_id: int) -> int:
    highest = BacklogItem.objects.filter(product_id=product_id).aggregate(m=Max("rank"))["m"]
    return GAP if highest is None else highest + GAP


def rank_at_top(product_id: int) -> int:
    lowest = BacklogItem.objects.filter(product_id=product_id).aggregate(m=Min("rank"))["m"]
    return 0 if lowest is None else lowest - GAP


def rank_between(lower: int | None, upper: int | None) -> int | None:
    """A rank strictly between two neighbours (None for an open end), or None if there is no room."""
    if lower is None and upper is None:
        return GAP
    if lower is None:
        return upper - GAP
    if upper is None:
        return lower + GAP
    if upper - lower < 2:
        return None
    return (lower + upper) // 2


def rebalance(product_id: int) -> None:
    """Spread the product's ranks GAP apart again, keeping their order.

    Two passes so the unique (product, rank) constraint holds after each write:
    first into negative space, then to the final positive ranks.
    """
    items = list(BacklogItem.objects.filter(product_id=product_id).order_by("rank").only("pk", "rank"))
    for index, item in enumerate(items):
        item.rank = -(index + 1) * GAP - (1 << 50)
    BacklogItem.objects.bulk_update(items, ["rank"], batch_size=1000)
    for index, item in enumerate(items):
        item.rank = (index + 1) * GAP
    BacklogItem.objects.bulk_update(items, ["rank"], batch_size=1000)
