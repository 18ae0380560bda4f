"""The backlog order: total, matching a reference list under any sequence of
creates and moves, and cheap (one row per move unless a crowded spot must be
spread out)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apps.backlog import ranking, services
from apps.backlog.models import BacklogItem
from tests.factories import ProductFactory

# Positions are taken modulo the backlog's length; small ones keep hitting the
# same few spots near the top, which crowds them and forces rebalancing there.
position = st.one_of(st.integers(0, 4), st.integers(0, 10_000))
create = st.tuples(st.just("create"), st.booleans())
move = st.tuples(st.just("move"), position, position, st.booleans())
to_edge = st.tuples(st.just("edge"), position, st.sampled_from(["top", "bottom"]))


def order_in_db(product) -> list[int]:
    return list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("pk", flat=True))


def apply(operation, product, actor, reference: list[int]) -> None:
    """Run one operation against the database and the reference list."""
    match operation:
        case ("create", at_top):
            item = services.item_create(actor=actor, product=product, title="x", at_top=at_top)
            reference.insert(0, item.pk) if at_top else reference.append(item.pk)
        case ("move", i, j, before) if reference:
            item_pk, anchor_pk = reference[i % len(reference)], reference[j % len(reference)]
            item, anchor = BacklogItem.objects.get(pk=item_pk), BacklogItem.objects.get(pk=anchor_pk)
            services.item_move(actor=actor, item=item, **{"before" if before else "after": anchor})
            if item_pk != anchor_pk:
                reference.remove(item_pk)
                reference.insert(reference.index(anchor_pk) + (0 if before else 1), item_pk)
        case ("edge", i, edge) if reference:
            item_pk = reference.pop(i % len(reference))
            services.item_move_to(actor=actor, item=BacklogItem.objects.get(pk=item_pk), edge=edge)
            reference.insert(0, item_pk) if edge == "top" else reference.append(item_pk)


@pytest.fixture(params=["roomy", "crowded"])
def spacing(request, monkeypatch):
    """Crowded ranks (tiny gaps) make almost every move spread out a neighbourhood."""
    if request.param == "crowded":
        monkeypatch.setattr(ranking, "GAP", 2)
        monkeypatch.setattr(ranking, "MIN_SPACING", 2)
        monkeypatch.setattr(ranking, "FIRST_WINDOW", 1)
    return request.param


# A sequence that once broke the rebalance near the top (ranks stepping aside collided with new ones).
CROWDED_TOP = [
    ("create", False), ("create", True), ("create", True), ("create", False), ("edge", 1, "top"), ("create", True),
    ("create", False), ("move", 4, 1, False), ("move", 0, 1, True), ("move", 1, 1, False), ("create", False),
    ("move", 0, 1, False),
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(st.one_of(create, move, to_edge), max_size=60))
@example(operations=CROWDED_TOP)
def test_order_is_total_and_matches_a_reference_list_under_random_operations(db, pm, spacing, operations):
    product = ProductFactory()
    reference: list[int] = []
    for operation in operations:
        apply(operation, product, pm, reference)
        assert order_in_db(product) == reference
    ranks = list(BacklogItem.objects.filter(product=product).values_list("rank", flat=True))
    assert len(set(ranks)) == len(ranks)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(st.one_of(move, to_edge), min_size=1, max_size=15))
def test_items_not_moved_keep_their_relative_order(db, pm, spacing, operations):
    product = ProductFactory()
    reference: list[int] = []
    for _ in range(8):
        apply(("create", False), product, pm, reference)
    for operation in operations:
        moved = reference[operation[1] % len(reference)]
        before = [pk for pk in order_in_db(product) if pk != moved]
        apply(operation, product, pm, reference)
        assert [pk for pk in order_in_db(product) if pk != moved] == before


def writes_of(action) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return [q["sql"] for q in ctx if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def test_a_move_writes_one_row_and_no_history(pm, product, make_item):
    items = [make_item() for _ in range(5)]
    history_rows = BacklogItem.history.count()
    writes = writes_of(lambda: services.item_move(actor=pm, item=items[4], before=items[0]))
    assert len(writes) == 1 and "rank" in writes[0]
    assert order_in_db(product)[0] == items[4].pk
    assert BacklogItem.history.count() == history_rows


def test_a_crowded_spot_is_spread_out_locally_not_across_the_whole_backlog(pm, product, make_item):
    items = [make_item(rank=(i + 1) * ranking.GAP) for i in range(200)]
    # Squeeze items into the gap after #100 until its neighbours touch.
    target = items[100]
    for mover in items[150 : 150 + 25]:
        services.item_move(actor=pm, item=mover, after=target)
    untouched = {item.pk: item.rank for item in items[:90] + items[180:]}
    now = dict(BacklogItem.objects.filter(pk__in=untouched).values_list("pk", "rank"))
    assert now == untouched
    order = order_in_db(product)
    assert order[101:126] == [item.pk for item in reversed(items[150:175])]


def test_rebalance_writes_only_the_window(pm, product, make_item, monkeypatch):
    monkeypatch.setattr(ranking, "FIRST_WINDOW", 4)
    items = [make_item(rank=i * ranking.GAP) for i in range(100)]
    # Leave no room between #50 and #51.
    BacklogItem.objects.filter(pk=items[51].pk).update(rank=items[50].rank + 1)
    writes = writes_of(lambda: services.item_move(actor=pm, item=items[90], after=items[50]))
    # Two passes over a window of 4 + 1 + 4 items, then the moving item: no full renumbering.
    assert len(writes) == 3
    order = order_in_db(product)
    assert order.index(items[90].pk) == order.index(items[50].pk) + 1


def test_moving_next_to_an_item_of_another_product_is_refused(pm, product, make_item):
    item = make_item()
    foreign = make_item(product=ProductFactory())
    rank = item.rank
    with pytest.raises(ValidationError, match="its own product"):
        services.item_move(actor=pm, item=item, before=foreign)
    item.refresh_from_db()
    assert item.rank == rank
