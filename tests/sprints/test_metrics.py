"""Burndown and figures on hand-computed numbers."""

from decimal import Decimal

from apps.sprints import metrics
from tests.sprints.conftest import day

D = Decimal


def test_burndown_replays_commitment_progress_and_scope_changes_day_by_day():
    events = [
        ("committed", D(3), day(0)),
        ("committed", D(5), day(0)),
        ("committed", D(2), day(0)),
        ("finished", D(3), day(1)),
        ("added", D(4), day(2)),
        ("finished", D(5), day(3)),
        ("finished", D(2), day(3)),
        ("reopened", D(2), day(4)),
        ("removed", D(1), day(4)),
    ]
    chart = metrics.burndown(start=day(0), end=day(4), events=events)
    assert chart["days"] == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]
    assert chart["committed"] == 10
    # 10 | -3 -> 7 | +4 -> 11 | -5 -2 -> 4 | +2 -1 -> 5
    assert chart["remaining"] == [10, 7, 11, 4, 5]
    assert chart["ideal"] == [10, 7.5, 5, 2.5, 0]
    assert chart["added"] == [0, 0, 4, 0, 0]
    assert chart["removed"] == [0, 0, 0, 0, 1]
    assert chart["completed"] == [0, 3, 0, 7, -2]


def test_burndown_leaves_future_days_empty_and_clamps_events_to_the_sprint():
    events = [("committed", D(6), day(-2)), ("finished", D(1), day(1)), ("finished", D(2), day(9))]
    chart = metrics.burndown(start=day(0), end=day(3), events=events, today=day(1))
    assert chart["remaining"] == [6, 5, None, None]
    # A late event (after the last day) lands on the last day once that day is shown.
    assert metrics.burndown(start=day(0), end=day(3), events=events)["remaining"] == [6, 5, 5, 3]


def test_one_day_sprint_has_a_flat_ideal_at_zero():
    chart = metrics.burndown(start=day(0), end=day(0), events=[("committed", D(4), day(0))])
    assert chart["ideal"] == [0.0]
    assert chart["remaining"] == [4]


def test_figures_count_committed_added_finished_carried_and_dropped():
    facts = [
        metrics.EntryFacts(points=D(3), committed=True, outcome="finished", done=True),
        metrics.EntryFacts(points=D(5), committed=True, outcome="carried_over", done=False),
        metrics.EntryFacts(points=D(2), committed=True, outcome="dropped", done=False),
        metrics.EntryFacts(points=D(4), committed=False, outcome="finished", done=True),
        metrics.EntryFacts(points=D(1), committed=False, outcome="removed", done=False),
        metrics.EntryFacts(points=D(2), committed=True, outcome="open", done=True),
    ]
    figures = metrics.figures_of(facts)
    assert figures.committed == 12
    assert figures.added == 5
    assert figures.removed == 1
    assert figures.completed == 9
    assert figures.completed_committed == 5
    assert figures.carried_over == 5
    assert figures.dropped == 2
    assert figures.say_do_ratio == D(5) / D(12)
    assert figures.scope_change == 4


def test_say_do_ratio_is_undefined_without_a_commitment():
    assert metrics.figures_of([]).say_do_ratio is None


def test_points_are_rounded_to_a_tenth_and_unestimated_work_counts_zero():
    assert metrics.points_of(D("2.1666")) == D("2.2")
    assert metrics.points_of(None) == 0
