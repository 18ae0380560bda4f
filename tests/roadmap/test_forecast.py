"""The forecast math, against cases with known answers."""

import datetime

import numpy as np
import pytest

from apps.roadmap import forecast
from apps.roadmap.forecast import Throughput, Work

MONDAY = datetime.date(2026, 3, 2)


def sprints(*points, days=14):
    return Throughput(np.array(points, dtype=float), days, "points")


def ranged(*triples):
    low, likely, high = (np.array(values, dtype=float) for values in zip(*triples, strict=True))
    return Work(fixed=0.0, low=low, likely=likely, high=high)


def test_constant_throughput_gives_one_deterministic_date():
    # 25 points at exactly 10 per two-week sprint: 2.5 sprints, 35 days, in every run.
    days = forecast.simulate_days(sprints(10, 10, 10), Work(fixed=25), seed=1)
    assert set(days.tolist()) == {35.0}
    summary = forecast.summarize(days, start=MONDAY, target=datetime.date(2026, 4, 6))
    assert summary.p50 == summary.p85 == summary.p95 == datetime.date(2026, 4, 6)
    assert summary.chance_on_target == 1.0
    assert forecast.summarize(days, start=MONDAY, target=datetime.date(2026, 4, 5)).chance_on_target == 0.0


def test_ranges_of_zero_width_are_their_point():
    days = forecast.simulate_days(sprints(10, 10, 10), ranged((5, 5, 5), (20, 20, 20)), seed=1)
    assert set(days.tolist()) == {35.0}


def test_a_seeded_run_is_reproducible():
    history, work = sprints(8, 13, 21, 5, 11), ranged((1, 3, 8), (2, 5, 13), (3, 3, 5))
    first = forecast.simulate_days(history, work, seed=42)
    assert np.array_equal(first, forecast.simulate_days(history, work, seed=42))
    assert not np.array_equal(first, forecast.simulate_days(history, work, seed=43))


def test_more_remaining_work_never_gives_an_earlier_date():
    history = sprints(8, 13, 21, 5, 11, 0, 14)
    smaller = ranged(*[(1, 3, 8)] * 20)
    larger = ranged(*[(1, 3, 8)] * 20, (2, 5, 13))
    more_fixed = Work(fixed=4.0, low=smaller.low, likely=smaller.likely, high=smaller.high)
    base = forecast.simulate_days(history, smaller, seed=7)
    for bigger in (larger, more_fixed):
        other = forecast.simulate_days(history, bigger, seed=7)
        assert np.all(other >= base)  # run by run, not only on average
        a, b = (forecast.summarize(d, start=MONDAY, target=None) for d in (base, other))
        assert (b.p50, b.p85, b.p95) >= (a.p50, a.p85, a.p95)
        assert b.p50 >= a.p50 and b.p85 >= a.p85 and b.p95 >= a.p95


def test_more_history_of_the_same_pace_narrows_the_spread():
    short = sprints(6, 14, 10)
    long = sprints(*([6, 14, 10] * 10))
    work = Work(fixed=60)
    spreads = []
    for history in (short, long):
        days = forecast.simulate_days(history, work, seed=3)
        low, high = np.quantile(days, [0.05, 0.95])
        spreads.append(high - low)
    assert spreads[1] < spreads[0] * 0.75


def test_done_work_is_done_today():
    days = forecast.simulate_days(sprints(5, 5, 5), Work(fixed=0), seed=1)
    assert set(days.tolist()) == {0.0}
    assert forecast.summarize(days, start=MONDAY, target=MONDAY).p95 == MONDAY


def test_a_history_that_finished_nothing_cannot_forecast():
    with pytest.raises(ValueError, match="finished nothing"):
        forecast.simulate_days(sprints(0, 0, 0), Work(fixed=5), seed=1)


def test_work_beyond_ten_years_has_no_date():
    days = forecast.simulate_days(sprints(1, 1, 1, days=14), Work(fixed=10_000), seed=1)
    assert np.isinf(days).all()
    summary = forecast.summarize(days, start=MONDAY, target=None)
    assert summary.p50 is None and summary.p95 is None
    assert summary.histogram[-1]["to"] is None and summary.histogram[-1]["cumulative"] == 1.0


def test_histogram_counts_every_run_in_week_wide_bins():
    days = forecast.simulate_days(sprints(8, 13, 21, 5, 11), ranged(*[(1, 3, 8)] * 30), seed=5)
    bins = forecast.summarize(days, start=MONDAY, target=None).histogram
    assert sum(b["runs"] for b in bins) == forecast.RUNS
    assert bins[-1]["cumulative"] == 1.0
    for b in bins:
        if b["to"]:
            width = (datetime.date.fromisoformat(b["to"]) - datetime.date.fromisoformat(b["from"])).days + 1
            assert width % 7 == 0
    assert len(bins) <= forecast.HISTOGRAM_BINS + 3


@pytest.mark.parametrize(
    ("closed", "finished", "enough"),
    [(3, 0, True), (0, 10, True), (2, 9, False), (0, 0, False)],
)
def test_the_history_needed(closed, finished, enough):
    message = forecast.not_enough_history(closed_sprints=closed, finished_items=finished)
    assert (message is None) is enough
    if not enough:
        assert f"3 closed sprints (this product has {closed})" in message
        assert f"10 finished backlog items (it has {finished})" in message
