from django import template

from apps.reports import cadence as survey_cadence
from apps.reports import figures as report_figures

register = template.Library()

ARROWS = {"up": "▲", "down": "▼", "same": "■"}


@register.filter
def cadence(survey) -> str:
    """`{{ survey|cadence }}`: how often the survey runs, read from its periodic task."""
    return survey_cadence.describe(survey)


@register.filter
def arrow(direction: str) -> str:
    return ARROWS.get(direction, "")


@register.filter
def share(count: int, total: int) -> float:
    """Width in percent of a bar for `count` out of the largest `total`."""
    return round(100 * count / total, 1) if total else 0


@register.filter
def answered_so_far(round_) -> str:
    """`{{ round|answered_so_far }}`: how many answered, as coarse as the round
    is open (`response_count` moves in steps of the minimum until it closes)."""
    if not round_.is_open:
        return str(round_.response_count)
    if not round_.response_count:
        return f"fewer than {round_.survey.min_responses}"
    return f"at least {round_.response_count}"


@register.filter
def headline(overall: dict | None) -> report_figures.Headline:
    """`{% with figures=round.report_overall|headline %}`: the round's headline
    figures by the one rule the report and its comparison use."""
    return report_figures.headline(overall)


@register.filter
def figure(value: float | None) -> str:
    """One way to write a figure everywhere it appears (list, report, change):
    at most two decimals, no trailing zeros (0.0 is "0", 37.50 is "37.5")."""
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text
