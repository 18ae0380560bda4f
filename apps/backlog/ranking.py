"""Backlog order with sparse integer ranks.

Items are spaced GAP apart; a move takes the midpoint between its new
neighbours, so it writes one row. When two neighbours have no integer left
between them (after about log2(GAP) moves into the very same spot), only the
crowded neighbourhood is spread out again: the smallest window of items
around the spot, doubling in size, whose surrounding ranks leave at least
MIN_SPACING between its members. A backlog that is crowded everywhere grows
the window to one end, where ranks are unbounded and GAP spacing always fits.

Callers hold the product lock (see services._lock_product), so the ranks read
here cannot change underneath.
"""

from django.db.models import Max, Min

from apps.backlog.models import BacklogItem

GAP = 1 << 20
MIN_SPACING = 1 << 10
FIRST_WINDOW = 8


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


def make_room(*, product_id: int, moving_pk: int, lower: int, upper: int) -> int:
    """Spread the items around the gap (lower, upper) and return the rank for
    the moving item, which goes between the item ranked `lower` and the one
    ranked `upper`. Writes only the window's rows (twice: see _write)."""
    others = BacklogItem.objects.filter(product_id=product_id).exclude(pk=moving_pk)
    size = FIRST_WINDOW
    while True:
        # One extra row on each side: the first rank outside the window is its bound.
        below = list(others.filter(rank__lte=lower).order_by("-rank").values_list("pk", "rank")[: size + 1])
        above = list(others.filter(rank__gte=upper).order_by("rank").values_list("pk", "rank")[: size + 1])
        low_bound = below.pop()[1] if len(below) > size else None
        high_bound = above.pop()[1] if len(above) > size else None
        window = [pk for pk, _ in reversed(below)] + [moving_pk] + [pk for pk, _ in above]
        ranks = _spread(len(window), low_bound, high_bound)
        if ranks is not None:
            break
        size *= 2
    new_ranks = dict(zip(window, ranks, strict=True))
    _write(product_id, {pk: rank for pk, rank in new_ranks.items() if pk != moving_pk}, moving_pk)
    return new_ranks[moving_pk]


def _spread(count: int, low_bound: int | None, high_bound: int | None) -> list[int] | None:
    """`count` evenly spaced ranks strictly inside the bounds, or None if they would be too close."""
    if low_bound is None and high_bound is None:
        return [(i + 1) * GAP for i in range(count)]
    if low_bound is None:
        return [high_bound - (count - i) * GAP for i in range(count)]
    if high_bound is None:
        return [low_bound + (i + 1) * GAP for i in range(count)]
    spacing = (high_bound - low_bound) // (count + 1)
    if spacing < MIN_SPACING:
        return None
    return [low_bound + (i + 1) * spacing for i in range(count)]


def _write(product_id: int, new_ranks: dict[int, int], moving_pk: int) -> None:
    """Give the window's items their new ranks. The unique (product, rank)
    constraint is checked row by row, so the items first step aside to ranks
    below everything in the product and below their new ranks (free by
    construction), then take their places. The moving item steps aside too: its new rank may be its old
    neighbour's."""
    aside = {**new_ranks, moving_pk: None}
    lowest = BacklogItem.objects.filter(product_id=product_id).aggregate(m=Min("rank"))["m"]
    lowest = min(lowest, *new_ranks.values())
    items = [BacklogItem(pk=pk, rank=lowest - (i + 1)) for i, pk in enumerate(aside)]
    BacklogItem.objects.bulk_update(items, ["rank"])
    items = [BacklogItem(pk=pk, rank=rank) for pk, rank in new_ranks.items()]
    BacklogItem.objects.bulk_update(items, ["rank"])
