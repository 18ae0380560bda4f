"""What an experiment's observed value says about its hypothesis: the status
it proposes (the PM confirms or decides otherwise), respecting which way the
metric is better.

With an interval (the range the team reports for the observed value), the
whole interval must clear the target to validate and miss it to invalidate;
an interval that straddles the target is inconclusive. Without one, the
observed value meets the target or misses it."""

from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from apps.products.models import OutcomeMetric

if TYPE_CHECKING:
    from apps.hypotheses.models import Experiment, Hypothesis

INCREASE = OutcomeMetric.Direction.INCREASE
VALIDATED, INVALIDATED, INCONCLUSIVE = "validated", "invalidated", "inconclusive"


class Verdict(NamedTuple):
    status: str  # validated, invalidated or inconclusive
    because: str  # "2.4 is below the target 3 (higher is better)"


def verdict(
    *,
    observed: Decimal,
    target: Decimal,
    direction: str,
    interval_low: Decimal | None = None,
    interval_high: Decimal | None = None,
    unit: str = "",
) -> Verdict:
    def shown(value: Decimal) -> str:
        text = format(Decimal(str(value)).normalize(), "f")
        return f"{text} {unit}".strip()

    better = "higher is better" if direction == INCREASE else "lower is better"
    meets = (lambda value: value >= target) if direction == INCREASE else (lambda value: value <= target)
    if interval_low is not None and interval_high is not None:
        # The end of the interval that is worst for the hypothesis must still meet the target.
        worst, best = (interval_low, interval_high) if direction == INCREASE else (interval_high, interval_low)
        span = f"the interval {shown(interval_low)} – {shown(interval_high)}"
        if meets(worst):
            return Verdict(VALIDATED, f"{span} clears the target {shown(target)} ({better})")
        if not meets(best):
            return Verdict(INVALIDATED, f"{span} misses the target {shown(target)} ({better})")
        return Verdict(INCONCLUSIVE, f"{span} straddles the target {shown(target)} ({better})")
    if meets(observed):
        return Verdict(VALIDATED, f"{shown(observed)} meets the target {shown(target)} ({better})")
    side = "below" if direction == INCREASE else "above"
    return Verdict(INVALIDATED, f"{shown(observed)} is {side} the target {shown(target)} ({better})")


def experiment_verdict(experiment: "Experiment", hypothesis: "Hypothesis") -> Verdict:
    """What the experiment's observed value says about the hypothesis it tests."""
    return verdict(
        observed=experiment.observed_value,
        target=hypothesis.target,
        direction=hypothesis.metric_direction,
        interval_low=experiment.interval_low,
        interval_high=experiment.interval_high,
        unit=hypothesis.metric_unit,
    )
