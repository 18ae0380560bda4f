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

The backlog is one such list (a product's items); any other ordered list (the
roadmap's items within one horizon) passes its rows as `scope`, a queryset of
a model with an integer `rank` that is unique within the scope.
"""

from django.db.models import Max, Min, QuerySet

from apps.backlog.models import BacklogItem

GAP = 1 << 20
MIN_SPACING = 1 << 10
FIRST_WINDOW = 8


def _backlog(product_id: int) -> QuerySet:
    return BacklogItem.objects.filter(product_id=product_id)


def rank_at_bottom(product_id: int) -> int:
    return bottom_of(_backlog(product_id))


def rank_at_top(product_id: int) -> int:
    return top_of(_backlog(product_id))


def bottom_of(scope: QuerySet) -> int:
    highest = scope.aggregate(m=Max("rank"))["m"]
    return GAP if highest is None else highest + GAP


def top_of(scope: QuerySet) -> int:
    lowest = scope.aggregate(m=Min("rank"))["m"]
    return 0 if lowest is None else lowest - GAP


def rank_next_to(scope: QuerySet, *, moving_pk: int, anchor_rank: int, before: bool) -> int:
    """The rank that puts row `moving_pk` right before (or after) the row ranked
    `anchor_rank` in `scope`, spreading out the neighbourhood if it is crowded."""
    others = scope.exclude(pk=moving_pk)
    if before:
        lower, upper = others.filter(rank__lt=anchor_rank).aggregate(r=Max("rank"))["r"], anchor_rank
    else:
        lower, upper = anchor_rank, others.filter(rank__gt=anchor_rank).aggregate(r=Min("rank"))["r"]
    rank = rank_between(lower, upper)
    if rank is None:
        rank = make_room_in(scope, moving_pk=moving_pk, lower=lower, upper=upper)
    return rank


def rank_between(lower: int | None, upper: int | None) -> int | None:
    """A rank strictly between two neighbours (None for an open end), or None if there is no room."""
    if lower is None:
        return GAP if upper is None else upper - GAP
    if upper is None:
        return lower + GAP
    if upper - lower < 2:
        return None
    return (lower + upper) // 2


def make_room(*, product_id: int, moving_pk: int, lower: int, upper: int) -> int:
    return make_room_in(_backlog(product_id), moving_pk=moving_pk, lower=lower, upper=upper)


def make_room_in(scope: QuerySet, *, moving_pk: int, lower: int, upper: int) -> int:
    """Spread the rows around the gap (lower, upper) and return the rank for
    the moving row, which goes between the row ranked `lower` and the one
    ranked `upper`. Writes only the window's rows (twice: see _write)."""
    others = scope.exclude(pk=moving_pk)
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
    _write(scope, {pk: rank for pk, rank in new_ranks.items() if pk != moving_pk}, moving_pk)
    return new_ranks[moving_pk]


def _spread(count: int, low_bound: int | None, high_bound: int | None) -> list[int] | None:
    """`count` evenly spaced ranks strictly inside the bounds, or None if they would be too close."""
    if low_bound is None:
        if high_bound is None:
            return [(i + 1) * GAP for i in range(count)]
        return [high_bound - (count - i) * GAP for i in range(count)]
    if high_bound is None:
        return [low_bound + (i + 1) * GAP for i in range(count)]
    spacing = (high_bound - low_bound) // (count + 1)
    if spacing < MIN_SPACING:
        return None
    return [low_bound + (i + 1) * spacing for i in range(count)]


def _write(scope: QuerySet, new_ranks: dict[int, int], moving_pk: int) -> None:
    """Give the window's items their new ranks. The unique (product, rank)
    constraint is checked row by row, so the items first step aside to ranks
    below everything in the product and below their new ranks (free by
    construction), then take their places. The moving item steps aside too: its new rank may be its old
    neighbour's."""
    aside = {**new_ranks, moving_pk: None}
    model = scope.model
    lowest = scope.aggregate(m=Min("rank"))["m"]
    lowest = min(lowest, *new_ranks.values())
    rows = [model(pk=pk, rank=lowest - (i + 1)) for i, pk in enumerate(aside)]
    model.objects.bulk_update(rows, ["rank"])
    rows = [model(pk=pk, rank=rank) for pk, rank in new_ranks.items()]
    model.objects.bulk_update(rows, ["rank"])
