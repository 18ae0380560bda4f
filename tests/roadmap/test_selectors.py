"""The work of roadmap items, read in one query (selectors.work_of): every way
work is linked, each backlog item once, dropped ones left out."""

from decimal import Decimal

from apps.backlog.models import BacklogItem
from apps.roadmap import rows, selectors
from apps.roadmap.models import RoadmapItem
from tests.factories import StakeholderRequestFactory
from tests.roadmap.conftest import backlog, epic

DROPPED = BacklogItem.Status.DROPPED


def test_work_counts_each_linked_item_once_and_leaves_dropped_ones_out(make_roadmap_item, product):
    direct = backlog(product, 3, 2)
    dropped = backlog(product, 8, status=DROPPED)
    with_items, without_items, all_dropped = epic(product, "With items"), epic(product, "Empty"), epic(product, "Gone")
    children = backlog(product, 5, parent=with_items) + backlog(product, 1, parent=with_items, status=DROPPED)
    backlog(product, 13, parent=all_dropped, status=DROPPED)
    request = StakeholderRequestFactory(product=product, backlog_item=children[0])
    item = make_roadmap_item(
        "Everything",
        backlog_items=[*direct, *dropped, children[0]],
        epics=[with_items, without_items, all_dropped],
    )
    item.requests.add(request)
    request_only = make_roadmap_item("Request only")
    request_only.requests.add(StakeholderRequestFactory(product=product, backlog_item=direct[1]))
    nothing = make_roadmap_item("Nothing")

    work = selectors.work_of(RoadmapItem.objects.order_by("pk"))
    expected = sorted([direct[0], direct[1], children[0], without_items], key=lambda row: row.number)
    assert [row.pk for row in work[item.pk]] == [row.pk for row in expected]
    assert [row.pk for row in work[request_only.pk]] == [direct[1].pk]
    assert work[nothing.pk] == []
    # The same through a query of the items (the board's way).
    scope = RoadmapItem.objects.filter(product=product)
    assert selectors.work_of_ids([item.pk, request_only.pk, nothing.pk], scope) == work
    assert rows.progress(work[item.pk]) == {
        "items_done": 0,
        "items_total": 4,
        "points_done": Decimal(0),
        "points_total": Decimal(10),
        "percent": 0,
    }
    assert rows.progress(work[nothing.pk]) is None
