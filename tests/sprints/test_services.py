"""The life of a standard sprint: plan, start, work, change scope, close."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.backlog.models import BacklogItem
from apps.backlog.services import item_set_status
from apps.core.exceptions import Conflict
from apps.sprints import selectors, services
from apps.sprints.models import ScopeEvent, Sprint, SprintItem, SprintSettings
from tests.sprints.conftest import MONDAY, day, finish, on, reload

Outcome = SprintItem.Outcome


@pytest.fixture
def running(product, scrum_master, make_item, make_sprint):
    """The hand-computed sprint: A=3, B=5, C=2 committed on Monday; A finished
    Tuesday; D=4 added Wednesday; B finished Thursday."""
    with on(day(0), 8):
        sprint = make_sprint(product, capacity_points=Decimal(12))
        a, b, c = (
            make_item(product, title, points, status="ready") for title, points in (("A", 3), ("B", 5), ("C", 2))
        )
        for item in (a, b, c):
            services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
        sprint = services.sprint_start(actor=scrum_master, sprint=sprint)
    with on(day(1)):
        finish(scrum_master, a)
    with on(day(2)):
        d = make_item(product, "D", 4, status="ready")
        services.sprint_item_add(actor=scrum_master, sprint=sprint, item=d)
    with on(day(3)):
        finish(scrum_master, b)
    return sprint, {"A": a, "B": b, "C": c, "D": d}


def test_running_sprint_burndown_and_figures_match_the_hand_computation(running):
    sprint, _ = running
    with on(day(3), 18):
        chart = selectors.sprint_burndown(reload(sprint))
    assert chart["remaining"] == [10, 7, 11, 6, None]
    assert chart["ideal"] == [10, 7.5, 5, 2.5, 0]
    assert chart["added"] == [0, 0, 4, 0, 0]
    figures = selectors.sprint_figures(reload(sprint))
    assert (figures.committed, figures.added, figures.completed) == (10, 4, 8)


def test_closing_carries_over_and_returns_items_and_freezes_the_figures(running, scrum_master, make_sprint):
    sprint, items = running
    with on(day(4), 17):
        closed, next_sprint = services.sprint_close(
            actor=scrum_master,
            sprint=sprint,
            decisions={items["C"].pk: services.CARRY_OVER, items["D"].pk: services.RETURN_TO_BACKLOG},
        )
    assert closed.status == Sprint.Status.CLOSED
    assert (closed.committed_points, closed.added_points, closed.completed_points) == (10, 4, 8)
    assert (closed.completed_committed_points, closed.carried_over_points, closed.dropped_points) == (8, 2, 4)
    assert closed.say_do_ratio == Decimal("0.8")
    assert closed.burndown["remaining"] == [10, 7, 11, 6, 6]
    outcomes = dict(SprintItem.objects.filter(sprint=sprint).values_list("item__title", "outcome"))
    assert outcomes == {"A": "finished", "B": "finished", "C": "carried_over", "D": "dropped"}

    # The next sprint was planned right after this one, with the carried item in it.
    assert next_sprint.name == "Sprint 2"
    assert (next_sprint.start_date, next_sprint.end_date) == (day(5), day(9))
    carried = SprintItem.objects.get(sprint=next_sprint)
    assert carried.item == items["C"] and carried.carried_from.sprint == sprint
    assert selectors.planned_sprints([items["C"].pk, items["D"].pk]) == {items["C"].pk: next_sprint}

    # Whatever happens to the carried item later, the closed sprint does not change.
    with on(day(7)):
        services.sprint_start(actor=scrum_master, sprint=next_sprint)
        finish(scrum_master, items["C"])
    again = reload(sprint)
    assert selectors.sprint_burndown(again)["remaining"] == [10, 7, 11, 6, 6]
    assert selectors.sprint_figures(again).completed == 8
    assert selectors.velocity(sprint.product)["sprints"] == [
        {
            "sprint": sprint.pk,
            "name": "Sprint 1",
            "end_date": "2026-03-06",
            "committed": 10.0,
            "completed": 8.0,
            "say_do_ratio": 0.8,
        }
    ]


def test_carry_over_into_a_chosen_planned_sprint(running, scrum_master, make_sprint, product):
    sprint, items = running
    later = make_sprint(product, "Later", start=day(14))
    _, next_sprint = services.sprint_close(
        actor=scrum_master,
        sprint=sprint,
        decisions={items["C"].pk: services.CARRY_OVER, items["D"].pk: services.CARRY_OVER},
        next_sprint=later,
    )
    assert next_sprint == later
    assert set(SprintItem.objects.filter(sprint=later).values_list("item__title", flat=True)) == {"C", "D"}


def test_close_needs_a_decision_for_every_unfinished_item_and_changes_nothing_without(running, scrum_master):
    sprint, items = running
    with pytest.raises(ValidationError, match=rf"#{items['D'].number}"):
        services.sprint_close(actor=scrum_master, sprint=sprint, decisions={items["C"].pk: services.CARRY_OVER})
    with pytest.raises(ValidationError, match="carry_over"):
        services.sprint_close(
            actor=scrum_master, sprint=sprint, decisions={items["C"].pk: "later", items["D"].pk: "backlog"}
        )
    assert reload(sprint).status == Sprint.Status.ACTIVE
    assert Sprint.objects.count() == 1
    assert not SprintItem.objects.exclude(outcome=Outcome.OPEN).exists()


def test_closing_a_closed_sprint_is_refused(running, scrum_master):
    sprint, items = running
    decisions = {items["C"].pk: services.RETURN_TO_BACKLOG, items["D"].pk: services.RETURN_TO_BACKLOG}
    services.sprint_close(actor=scrum_master, sprint=sprint, decisions=decisions)
    closed_at = reload(sprint).closed_at
    with pytest.raises(ValidationError, match="already closed"):
        services.sprint_close(actor=scrum_master, sprint=sprint, decisions={})
    assert reload(sprint).closed_at == closed_at


def test_a_planned_sprint_cannot_be_closed(product, scrum_master, make_sprint):
    sprint = make_sprint(product)
    with pytest.raises(ValidationError, match="has not started"):
        services.sprint_close(actor=scrum_master, sprint=sprint, decisions={})


def test_removing_an_item_mid_sprint_is_a_scope_change(running, scrum_master):
    sprint, items = running
    entry = SprintItem.objects.get(sprint=sprint, item=items["C"])
    with on(day(3), 12):
        services.sprint_item_remove(actor=scrum_master, entry=entry)
    assert reload(sprint).sprint_items.get(item=items["C"]).outcome == Outcome.REMOVED
    with on(day(3), 18):
        assert selectors.sprint_burndown(reload(sprint))["remaining"][3] == 4
    assert selectors.sprint_figures(reload(sprint)).removed == 2


def test_finished_work_cannot_be_taken_out(running, scrum_master):
    sprint, items = running
    with pytest.raises(ValidationError, match="finished"):
        services.sprint_item_remove(actor=scrum_master, entry=SprintItem.objects.get(item=items["A"]))


def test_reopening_and_dropping_items_feed_the_burndown(running, scrum_master):
    sprint, items = running
    with on(day(4)):
        item_set_status(actor=scrum_master, item=items["A"], status=BacklogItem.Status.IN_PROGRESS)
        item_set_status(actor=scrum_master, item=items["C"], status=BacklogItem.Status.DROPPED)
    kinds = list(ScopeEvent.objects.filter(sprint=sprint, happened_at__date=day(4)).values_list("kind", flat=True))
    assert kinds == ["reopened", "removed"]
    with on(day(4), 18):
        assert selectors.sprint_burndown(reload(sprint))["remaining"][4] == 6 + 3 - 2


def test_status_changes_outside_an_active_sprint_record_nothing(product, scrum_master, make_item, make_sprint):
    item = make_item(product, points=3, status="ready")
    services.sprint_item_add(actor=scrum_master, sprint=make_sprint(product), item=item)
    finish(scrum_master, item)
    assert not ScopeEvent.objects.exists()


def test_planning_before_the_start_is_not_a_scope_change(product, scrum_master, make_item, make_sprint):
    sprint = make_sprint(product)
    item = make_item(product, points=3, status="ready")
    entry = services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
    assert not entry.committed
    services.sprint_item_remove(actor=scrum_master, entry=entry)
    assert not SprintItem.objects.exists() and not ScopeEvent.objects.exists()


def test_start_refreshes_points_from_the_estimate_and_uses_the_expected_value_of_a_range(
    product, scrum_master, make_item, make_sprint
):
    sprint = make_sprint(product)
    ranged = make_item(
        product,
        status="ready",
        estimate_optimistic=Decimal(1),
        estimate_likely=Decimal(2),
        estimate_pessimistic=Decimal(9),
    )
    services.sprint_item_add(actor=scrum_master, sprint=sprint, item=ranged)
    services.sprint_start(actor=scrum_master, sprint=sprint)
    entry = SprintItem.objects.get(item=ranged)
    assert entry.committed and entry.points == Decimal("3.0")  # (1 + 4*2 + 9) / 6


def test_only_one_active_sprint_per_product_unless_the_pm_allows_parallel_sprints(
    product, scrum_master, pm, make_sprint
):
    first = services.sprint_start(actor=scrum_master, sprint=make_sprint(product, "One"))
    second = make_sprint(product, "Two", start=day(7))
    with pytest.raises(ValidationError, match="One is still active"):
        services.sprint_start(actor=scrum_master, sprint=second)
    assert reload(second).status == Sprint.Status.PLANNED
    services.sprint_settings_set(actor=pm, product=product, allow_parallel_sprints=True)
    services.sprint_start(actor=scrum_master, sprint=second)
    assert reload(first).status == reload(second).status == Sprint.Status.ACTIVE


def test_starting_twice_is_refused(product, scrum_master, make_sprint):
    sprint = services.sprint_start(actor=scrum_master, sprint=make_sprint(product))
    with pytest.raises(ValidationError, match="already active"):
        services.sprint_start(actor=scrum_master, sprint=sprint)


def test_a_sprint_holding_finished_work_cannot_start(product, scrum_master, make_item, make_sprint):
    sprint = make_sprint(product)
    item = make_item(product, points=3, status="ready")
    services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
    finish(scrum_master, item)
    with pytest.raises(ValidationError, match=f"#{item.number}"):
        services.sprint_start(actor=scrum_master, sprint=sprint)
    assert reload(sprint).status == Sprint.Status.PLANNED


# --- Bad input: a clear message and nothing changed ----------------------------


def test_overlapping_dates_are_refused(product, scrum_master, make_sprint):
    make_sprint(product, "Sprint 1", days=10)
    with pytest.raises(ValidationError) as error:
        make_sprint(product, "Sprint 2", start=day(9))
    assert "overlap Sprint 1" in error.value.message_dict["start_date"][0]
    assert Sprint.objects.count() == 1


def test_overlap_is_allowed_when_parallel_sprints_are(product, scrum_master, pm, make_sprint):
    SprintSettings.objects.create(product=product, allow_parallel_sprints=True)
    make_sprint(product, "Team A")
    make_sprint(product, "Team B")
    assert Sprint.objects.count() == 2


def test_end_before_start_is_refused(product, scrum_master):
    with pytest.raises(ValidationError) as error:
        services.sprint_create(
            actor=scrum_master, product=product, name="Backwards", start_date=MONDAY, end_date=day(-1)
        )
    assert error.value.message_dict == {"end_date": ["A sprint cannot end before it starts."]}
    assert not Sprint.objects.exists()


def test_sprints_longer_than_eight_weeks_and_nameless_sprints_are_refused(product, scrum_master):
    with pytest.raises(ValidationError, match="at most 8 weeks"):
        services.sprint_create(actor=scrum_master, product=product, name="Long", start_date=MONDAY, end_date=day(60))
    with pytest.raises(ValidationError, match="needs a name"):
        services.sprint_create(actor=scrum_master, product=product, name=" ", start_date=MONDAY, end_date=day(4))
    assert not Sprint.objects.exists()


def test_committing_another_products_item_is_refused(product, other_product, scrum_master, make_item, make_sprint):
    foreign = make_item(other_product, points=3, status="ready")
    sprint = make_sprint(product)
    with pytest.raises(ValidationError) as error:
        services.sprint_item_add(actor=scrum_master, sprint=sprint, item=foreign)
    assert error.value.message_dict == {"item": ["No such item in this product's backlog."]}
    assert not SprintItem.objects.exists()


def test_an_item_is_in_one_open_sprint_at_a_time(product, scrum_master, make_item, make_sprint):
    item = make_item(product, points=3, status="ready")
    first = make_sprint(product, "One")
    second = make_sprint(product, "Two", start=day(7))
    services.sprint_item_add(actor=scrum_master, sprint=first, item=item)
    with pytest.raises(ValidationError, match="already in One"):
        services.sprint_item_add(actor=scrum_master, sprint=second, item=item)
    with pytest.raises(ValidationError, match="already in this sprint"):
        services.sprint_item_add(actor=scrum_master, sprint=first, item=item)
    assert SprintItem.objects.count() == 1


@pytest.mark.parametrize("status", [BacklogItem.Status.DONE, BacklogItem.Status.DROPPED])
def test_closed_work_and_epics_cannot_be_committed(product, scrum_master, make_item, make_sprint, status):
    sprint = make_sprint(product)
    item = make_item(product, points=3, status="ready")
    if status == BacklogItem.Status.DONE:
        finish(scrum_master, item)
    else:
        item_set_status(actor=scrum_master, item=item, status=status)
    with pytest.raises(ValidationError, match="only open work"):
        services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
    epic = make_item(product, kind=BacklogItem.Kind.EPIC, status=BacklogItem.Status.NEW)
    with pytest.raises(ValidationError, match="epic"):
        services.sprint_item_add(actor=scrum_master, sprint=sprint, item=epic)
    assert not SprintItem.objects.exists()


def test_nothing_is_added_to_a_closed_sprint(running, scrum_master, make_item, product):
    sprint, items = running
    decisions = {items["C"].pk: services.RETURN_TO_BACKLOG, items["D"].pk: services.RETURN_TO_BACKLOG}
    services.sprint_close(actor=scrum_master, sprint=sprint, decisions=decisions)
    with pytest.raises(ValidationError, match="closed"):
        services.sprint_item_add(actor=scrum_master, sprint=sprint, item=make_item(product, points=3, status="ready"))
    with pytest.raises(ValidationError, match="closed"):
        services.sprint_update(actor=scrum_master, sprint=sprint, name="Renamed")


def test_a_stale_edit_is_a_conflict(product, scrum_master, make_sprint):
    sprint = make_sprint(product)
    services.sprint_update(actor=scrum_master, sprint=sprint, expected_version=1, goal="Ship it")
    with pytest.raises(Conflict):
        services.sprint_update(actor=scrum_master, sprint=sprint, expected_version=1, goal="Something else")
    assert reload(sprint).goal == "Ship it"


def test_the_start_date_of_a_running_sprint_is_fixed(product, scrum_master, make_sprint):
    sprint = services.sprint_start(actor=scrum_master, sprint=make_sprint(product))
    with pytest.raises(ValidationError, match="start date is fixed"):
        services.sprint_update(actor=scrum_master, sprint=sprint, start_date=day(1))
    services.sprint_update(actor=scrum_master, sprint=sprint, end_date=day(6))
    assert reload(sprint).end_date == day(6)


# --- Capacity -------------------------------------------------------------------


def test_per_person_capacity_less_days_off_becomes_the_team_capacity(
    product, scrum_master, member, stakeholder, make_sprint
):
    sprint = make_sprint(product, days=14)  # 10 working days
    services.sprint_set_capacity(
        actor=scrum_master, sprint=sprint, capacities=[(member, Decimal(10), 2), (scrum_master, Decimal(5), 0)]
    )
    assert reload(sprint).capacity_points == Decimal(8) + Decimal(5)
    with pytest.raises(ValidationError, match="not in the product's team"):
        services.sprint_set_capacity(actor=scrum_master, sprint=sprint, capacities=[(stakeholder, Decimal(5), 0)])
    with pytest.raises(ValidationError, match="11 days off"):
        services.sprint_set_capacity(actor=scrum_master, sprint=sprint, capacities=[(member, Decimal(5), 11)])
    with pytest.raises(ValidationError, match="sum of the per-person"):
        services.sprint_update(actor=scrum_master, sprint=sprint, capacity_points=Decimal(40))
    assert reload(sprint).capacity_points == 13


def test_capacity_bar_uses_expected_values_and_shows_the_pessimistic_total(
    product, scrum_master, make_item, make_sprint
):
    sprint = make_sprint(product, capacity_points=Decimal(10))
    ranged = make_item(
        product,
        status="ready",
        estimate_optimistic=Decimal(2),
        estimate_likely=Decimal(4),
        estimate_pessimistic=Decimal(12),
    )
    plain = make_item(product, points=3, status="ready")
    unestimated = make_item(product, points=None, status=BacklogItem.Status.NEW)
    for item in (ranged, plain, unestimated):
        services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
    bar = selectors.capacity_of(sprint, selectors.sprint_entries(sprint))
    assert bar.expected == Decimal(5) + Decimal(3)  # (2 + 16 + 12) / 6 = 5
    assert bar.pessimistic == Decimal(12) + Decimal(3)
    assert bar.unestimated == 1
    assert not bar.over and bar.pessimistic_over
    assert (bar.expected_percent, bar.pessimistic_percent) == (80, 100)


def test_readiness_warnings_name_what_is_missing(product, scrum_master, make_item):
    item = make_item(product, points=None, status=BacklogItem.Status.NEW)
    item.blocked = True
    assert selectors.readiness_warnings(item) == ["not marked ready", "no estimate", "blocked"]


def test_next_sprint_names_count_on(product):
    assert services._next_name("Sprint 9") == "Sprint 10"
    assert services._next_name("Discovery") == "Discovery (continued)"


# --- Rules that hold for every caller -------------------------------------------


def test_the_kind_of_a_sprint_never_changes_whoever_asks(product, scrum_master, make_sprint):
    sprint = make_sprint(product)
    with pytest.raises(ValidationError) as error:
        services.sprint_update(actor=scrum_master, sprint=sprint, kind=Sprint.Kind.STAGED)
    assert "kind" in error.value.message_dict
    assert reload(sprint).kind == Sprint.Kind.STANDARD and not reload(sprint).stages.exists()
    same = services.sprint_update(actor=scrum_master, sprint=sprint, kind=Sprint.Kind.STANDARD, goal="Ship it")
    assert (same.kind, same.goal) == (Sprint.Kind.STANDARD, "Ship it")


def test_cards_move_only_on_the_board_of_a_running_sprint(product, scrum_master, member, make_item, make_sprint):
    sprint = make_sprint(product)
    item = make_item(product, points=3, status="ready")
    entry = services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
    with pytest.raises(ValidationError, match="is not running; its board cannot change"):
        services.sprint_item_move(actor=member, entry=entry, status=BacklogItem.Status.IN_PROGRESS)
    sprint = services.sprint_start(actor=scrum_master, sprint=sprint)
    entry = SprintItem.objects.select_related("sprint", "item").get(pk=entry.pk)
    moved = services.sprint_item_move(actor=member, entry=entry, status=BacklogItem.Status.IN_PROGRESS)
    assert moved.status == BacklogItem.Status.IN_PROGRESS


def test_unfinished_means_open_and_neither_done_nor_dropped(running):
    sprint, items = running
    closing = selectors.closing(reload(sprint))
    assert {entry.item_id for entry in closing.unfinished} == {items["C"].pk, items["D"].pk}
    assert {entry.item_id for entry in closing.done} == {items["A"].pk, items["B"].pk}


def test_a_stale_capacity_edit_is_a_conflict(product, scrum_master, member, make_sprint):
    sprint = make_sprint(product)
    services.sprint_update(actor=scrum_master, sprint=sprint, goal="Changed meanwhile")
    with pytest.raises(Conflict):
        services.sprint_set_capacity(
            actor=scrum_master, sprint=sprint, capacities=[(member, Decimal(5), 0)], expected_version=sprint.version
        )
    assert reload(sprint).capacity_points is None
