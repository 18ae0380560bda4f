"""Roadmap items and milestones: order within horizons, dates that make sense,
links within the product, stale edits refused; nothing changed on refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.core.exceptions import Conflict
from apps.roadmap import services
from apps.roadmap.models import Horizon, Milestone, RoadmapItem
from tests.factories import SprintFactory, StakeholderRequestFactory
from tests.roadmap.conftest import backlog, epic


def order(product, horizon):
    return list(
        RoadmapItem.objects.filter(product=product, horizon=horizon).order_by("rank").values_list("title", flat=True)
    )


def test_new_items_go_to_the_bottom_of_their_horizon(make_roadmap_item, product):
    for title in "abc":
        make_roadmap_item(title, horizon=Horizon.NEXT)
    make_roadmap_item("n", horizon=Horizon.NOW)
    assert order(product, Horizon.NEXT) == ["a", "b", "c"]
    assert order(product, Horizon.NOW) == ["n"]


def test_move_from_next_to_now_before_an_item(make_roadmap_item, pm, product):
    a, b = make_roadmap_item("a", horizon=Horizon.NOW), make_roadmap_item("b", horizon=Horizon.NOW)
    c = make_roadmap_item("c", horizon=Horizon.NEXT)
    moved = services.item_move(actor=pm, item=c, before=b)
    assert moved.horizon == Horizon.NOW
    assert order(product, Horizon.NOW) == ["a", "c", "b"]
    assert order(product, Horizon.NEXT) == []
    assert RoadmapItem.objects.get(pk=c.pk).version == 2
    services.item_move(actor=pm, item=a, horizon=Horizon.NOW, edge="bottom")
    assert order(product, Horizon.NOW) == ["c", "b", "a"]
    services.item_move(actor=pm, item=a, edge="top")
    assert order(product, Horizon.NOW) == ["a", "c", "b"]


def test_many_moves_into_one_spot_rebalance_with_the_backlog_ranking(make_roadmap_item, pm, product, monkeypatch):
    from apps.backlog import ranking

    monkeypatch.setattr(ranking, "GAP", 4)
    monkeypatch.setattr(ranking, "MIN_SPACING", 2)
    items = [make_roadmap_item(str(n), horizon=Horizon.LATER) for n in range(6)]
    for item in items[2:]:
        services.item_move(actor=pm, item=item, after=items[0])
    assert order(product, Horizon.LATER) == ["0", "5", "4", "3", "2", "1"]


def test_moving_next_to_another_products_item_is_refused(make_roadmap_item, pm, product, other_product):
    mine = make_roadmap_item("mine", horizon=Horizon.NEXT)
    theirs = make_roadmap_item("theirs", horizon=Horizon.NOW, on=other_product)
    with pytest.raises(ValidationError, match="its own product"):
        services.item_move(actor=pm, item=mine, before=theirs)
    assert RoadmapItem.objects.get(pk=mine.pk).horizon == Horizon.NEXT


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"start_date": datetime.date(2026, 5, 1), "target_date": datetime.date(2026, 4, 1)}, "target_date", "before"),
        ({"target_date": datetime.date(202, 4, 1)}, "target_date", "not a plausible date"),
        ({"target_quarter": "2026-Q5"}, "target_quarter", "no quarter"),
        ({"target_quarter": "Q2"}, "target_quarter", "no quarter"),
        ({"target_quarter": "2026-Q2", "target_date": datetime.date(2026, 5, 1)}, "target_quarter", "not both"),
        ({"target_quarter": "2026-Q1", "start_date": datetime.date(2026, 5, 1)}, "target_quarter", "ends before"),
        ({"horizon": "someday"}, "horizon", "Unknown horizon"),
    ],
)
def test_impossible_dates_are_refused_and_nothing_is_saved(make_roadmap_item, product, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        make_roadmap_item("x", **fields)
    assert message in " ".join(refused.value.message_dict[field])
    assert not RoadmapItem.objects.filter(product=product).exists()


def test_a_quarter_is_a_target_ending_on_its_last_day(make_roadmap_item):
    item = make_roadmap_item("x", target_quarter="2026 q3")
    assert item.target_quarter == "2026-Q3"
    assert item.target == datetime.date(2026, 9, 30)


def test_links_must_stay_in_the_product(make_roadmap_item, pm, product, other_product):
    item = make_roadmap_item("x")
    foreign_epic = epic(other_product)
    story = backlog(product, 3)[0]
    with pytest.raises(ValidationError, match="another product"):
        services.item_update(actor=pm, item=item, expected_version=1, epics=[foreign_epic])
    with pytest.raises(ValidationError, match="Not epics"):
        services.item_update(actor=pm, item=item, expected_version=1, epics=[story])
    with pytest.raises(ValidationError, match="another product"):
        services.item_update(
            actor=pm, item=item, expected_version=1, requests=[StakeholderRequestFactory(product=other_product)]
        )
    item.refresh_from_db()
    assert item.version == 1 and not item.epics.exists() and not item.requests.exists()
    services.item_update(actor=pm, item=item, expected_version=1, epics=[epic(product)], backlog_items=[story])
    item.refresh_from_db()
    assert item.version == 2 and item.epics.count() == 1 and item.backlog_items.count() == 1


def test_a_stale_edit_is_refused(make_roadmap_item, pm):
    item = make_roadmap_item("x")
    services.item_update(actor=pm, item=item, expected_version=1, title="y")
    with pytest.raises(Conflict, match="changed by someone else"):
        services.item_update(actor=pm, item=item, expected_version=1, title="z")
    assert RoadmapItem.objects.get(pk=item.pk).title == "y"


def test_an_edit_that_changes_nothing_writes_nothing(make_roadmap_item, pm):
    item = make_roadmap_item("x")
    services.item_update(actor=pm, item=item, expected_version=1, title="x")
    assert RoadmapItem.objects.get(pk=item.pk).version == 1


def test_changing_the_horizon_puts_the_item_at_the_bottom_there(make_roadmap_item, pm, product):
    make_roadmap_item("a", horizon=Horizon.NOW)
    b = make_roadmap_item("b", horizon=Horizon.LATER)
    services.item_update(actor=pm, item=b, expected_version=1, horizon=Horizon.NOW)
    assert order(product, Horizon.NOW) == ["a", "b"]


def test_milestones_are_tied_within_the_product(pm, product, other_product, make_roadmap_item):
    foreign_item = make_roadmap_item("theirs", on=other_product)
    foreign_sprint = SprintFactory(product=other_product)
    day = datetime.date(2026, 6, 1)
    with pytest.raises(ValidationError, match="this product's roadmap"):
        services.milestone_create(actor=pm, product=product, title="Shadow", date=day, roadmap_item=foreign_item)
    with pytest.raises(ValidationError, match="sprint of this product"):
        services.milestone_create(actor=pm, product=product, title="Shadow", date=day, sprint=foreign_sprint)
    with pytest.raises(ValidationError, match="plausible"):
        services.milestone_create(actor=pm, product=product, title="Shadow", date=datetime.date(1999, 1, 1))
    assert not Milestone.objects.exists()
    milestone = services.milestone_create(actor=pm, product=product, title="Model in shadow traffic", date=day)
    with pytest.raises(Conflict):
        services.milestone_update(actor=pm, milestone=milestone, expected_version=0, title="x")


def test_attaching_a_request_makes_an_unshared_item_from_it(pm, product):
    stakeholder_request = StakeholderRequestFactory(product=product, status="accepted")
    item = services.request_attach(actor=pm, stakeholder_request=stakeholder_request)
    assert item.title == stakeholder_request.title and not item.shared
    assert list(item.requests.all()) == [stakeholder_request]
    other = services.request_attach(actor=pm, stakeholder_request=StakeholderRequestFactory(product=product), item=item)
    assert other.requests.count() == 2


def test_feed_tokens_are_replaced_and_revoked(pm, product):
    first, _ = services.feed_token_issue(actor=pm, product=product)
    second, _ = services.feed_token_issue(actor=pm, product=product)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert services.feed_token_revoke(actor=pm, product=product) == 1
