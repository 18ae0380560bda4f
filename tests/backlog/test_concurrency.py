"""Two people reordering the same backlog at the same moment, on PostgreSQL
(SQLite serialises writers anyway): both moves land, ranks stay unique and
the order is one of the two serial outcomes."""

import contextlib
import threading

import pytest
from django.db import connection, connections

from apps.backlog import ranking, services
from apps.backlog.models import BacklogItem
from tests.factories import BacklogItemFactory


@pytest.mark.django_db(transaction=True)
def test_two_pms_moving_into_the_same_gap_at_once_both_land(pm, scrum_master, product, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks are what is tested")
    items = [BacklogItemFactory(product=product, rank=(i + 1) * 10) for i in range(6)]
    anchor, movers = items[0], [items[4], items[5]]
    start = threading.Barrier(2)
    errors = []
    # Each move pauses after reading its neighbours until the other move has
    # read too (or a second has passed): without the product lock both would
    # pick the same rank; with it, the second cannot read before the first commits.
    both_read = threading.Barrier(2, timeout=1)
    rank_between = ranking.rank_between

    def rank_between_after_both_read(lower, upper):
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return rank_between(lower, upper)

    monkeypatch.setattr(ranking, "rank_between", rank_between_after_both_read)

    def move(actor, item):
        try:
            start.wait()
            services.item_move(actor=actor, item=item, after=anchor)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=args) for args in zip([pm, scrum_master], movers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    order = list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("pk", flat=True))
    assert order[0] == anchor.pk and set(order[1:3]) == {movers[0].pk, movers[1].pk}
    assert order[3:] == [items[1].pk, items[2].pk, items[3].pk]
