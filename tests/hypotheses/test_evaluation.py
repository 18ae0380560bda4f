"""Observed against target, respecting which way the metric is better."""

from decimal import Decimal as D

import pytest

from apps.hypotheses.evaluation import verdict

UP, DOWN = "increase", "decrease"


@pytest.mark.parametrize(
    "direction, observed, target, expected",
    [
        (UP, "3.2", "3", "validated"),
        (UP, "3", "3", "validated"),
        (UP, "2.4", "3", "invalidated"),
        (DOWN, "1.8", "2", "validated"),
        (DOWN, "2", "2", "validated"),
        (DOWN, "2.6", "2", "invalidated"),
    ],
)
def test_a_single_value_meets_or_misses_the_target_in_the_metrics_direction(direction, observed, target, expected):
    assert verdict(observed=D(observed), target=D(target), direction=direction).status == expected


@pytest.mark.parametrize(
    "direction, low, high, expected",
    [
        (UP, "3.1", "3.5", "validated"),  # all of it above the target
        (UP, "2.1", "2.9", "invalidated"),  # all of it below
        (UP, "2.8", "3.4", "inconclusive"),  # straddles it
        (DOWN, "1.5", "1.9", "validated"),  # all of it below the target
        (DOWN, "2.1", "2.9", "invalidated"),
        (DOWN, "1.8", "2.3", "inconclusive"),
    ],
)
def test_an_interval_must_clear_the_target_as_a_whole(direction, low, high, expected):
    middle = (D(low) + D(high)) / 2
    target = D("3") if direction == UP else D("2")
    outcome = verdict(observed=middle, target=target, direction=direction, interval_low=D(low), interval_high=D(high))
    assert outcome.status == expected


def test_the_reason_names_the_figures_and_the_direction():
    outcome = verdict(observed=D("2.4000"), target=D("3.0000"), direction=UP, unit="%")
    assert outcome.because == "2.4 % is below the target 3 % (higher is better)"
    outcome = verdict(observed=D("2.6"), target=D("2"), direction=DOWN, unit="s")
    assert outcome.because == "2.6 s is above the target 2 s (lower is better)"
