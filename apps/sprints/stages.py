"""Stage plans of staged sprints: the data-science default and how a plan is
laid over a sprint's dates."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class StagePlan:
    name: str
    days: int
    goal: str = ""
    exit_criteria: tuple[str, ...] = ()


# Four weeks: understand the data and plan the rest, then build, judge, ship.
DATA_SCIENCE_STAGES = (
    StagePlan(
        "Data analysis and planning",
        7,
        "Understand the data and plan the modelling, evaluation and delivery stages.",
        (
            "Data sources located and access granted",
            "Data quality checked and documented",
            "Later stages planned with estimated items",
        ),
    ),
    StagePlan(
        "Modelling",
        7,
        "Build candidate models against a baseline.",
        ("Baseline model trained", "Candidate models compared on the agreed metric"),
    ),
    StagePlan(
        "Evaluation",
        7,
        "Judge the best candidate on held-out and historical data.",
        ("Backtest on historical data done", "Results reviewed with the product manager"),
    ),
    StagePlan(
        "Delivery",
        7,
        "Ship the model or the answer, with what was learnt.",
        ("Model or analysis delivered", "Findings written up for stakeholders"),
    ),
)


def lay_out(lengths: list[int], start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Dates for each stage, sharing the days from `start` to `end` in
    proportion to the stages' planned lengths; each gets at least one day when
    there are enough."""
    total_days = (end - start).days + 1
    weights = [max(length, 1) for length in lengths]
    if len(weights) > total_days:
        # More stages than days: stages share days rather than run past the end.
        return [(min(start + datetime.timedelta(days=n), end),) * 2 for n in range(len(weights))]
    spans, used, weight_left = [], 0, sum(weights)
    for index, weight in enumerate(weights):
        stages_left = len(weights) - index
        days_left = total_days - used
        length = max(1, round(days_left * weight / weight_left))
        length = min(length, days_left - (stages_left - 1))
        if stages_left == 1:
            length = days_left
        first = start + datetime.timedelta(days=used)
        spans.append((first, first + datetime.timedelta(days=length - 1)))
        used += length
        weight_left -= weight
    return spans


def criteria_lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())
