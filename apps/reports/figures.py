"""The maths of a happiness report, on plain answers (no database).

A *slice* is a set of responses reported together: the whole round, one
audience group, the people who use one capability. A slice with fewer
responses than the survey's minimum carries no figures at all, only its label
and `enough: False`; callers store exactly what these functions return, so a
hidden figure cannot reach a page, download, API answer or email.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from apps.reports.themes import group_into_themes

SCHEMA = 1
HAPPINESS_SCALE = range(1, 6)
SATISFACTION_SCALE = range(1, 6)
PROMOTER_FROM = 9  # 9-10 promote
DETRACTOR_UP_TO = 6  # 0-6 detract; 7-8 are passive


@dataclass(frozen=True)
class Answer:
    group: str
    happiness: int
    recommend: int
    capabilities: dict[str, int] = field(default_factory=dict)
    liked: str = ""
    improve: str = ""


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def distribution(values: Iterable[int], scale: range) -> dict[str, int]:
    counts = {str(point): 0 for point in scale}
    for value in values:
        counts[str(value)] += 1
    return counts


def mean(values: Sequence[int]) -> float:
    return round(sum(values) / len(values), 2)


def happiness(scores: Sequence[int]) -> dict:
    return {"mean": mean(scores), "distribution": distribution(scores, HAPPINESS_SCALE)}


def net_promoter(recommends: Sequence[int]) -> dict:
    """NPS: the share of promoters minus the share of detractors, in points (-100..100)."""
    total = len(recommends)
    promoters = sum(1 for r in recommends if r >= PROMOTER_FROM)
    detractors = sum(1 for r in recommends if r <= DETRACTOR_UP_TO)
    return {
        "score": round(100 * (promoters - detractors) / total, 1),
        "promoters": percent(promoters, total),
        "passives": percent(total - promoters - detractors, total),
        "detractors": percent(detractors, total),
    }


def answer_slice(label: str, answers: Sequence[Answer], min_responses: int) -> dict:
    figures = {"label": label, "responses": len(answers), "enough": len(answers) >= min_responses}
    if figures["enough"]:
        figures["happiness"] = happiness([a.happiness for a in answers])
        figures["nps"] = net_promoter([a.recommend for a in answers])
    return figures


def group_slices(answers: Sequence[Answer], groups: dict[str, str], min_responses: int) -> list[dict]:
    """One slice per audience group. If any group is too small, every group is
    hidden: otherwise the small group's answers follow from the total minus
    the others. A hidden slice carries no figure at all, not even its count.
    Answers stored without a group (services withhold groups when one is too
    small) hide every group too."""
    slices = [
        answer_slice(label, [a for a in answers if a.group == key], min_responses) | {"key": key}
        for key, label in groups.items()
    ]
    withheld = any(not a.group for a in answers)
    if len(slices) > 1 and (withheld or not all(s["enough"] for s in slices)):
        slices = [
            {"key": s["key"], "label": s["label"], "enough": False, "protects_others": s["enough"] or withheld}
            for s in slices
        ]
    return [s if s["enough"] or "protects_others" in s else _without_counts(s) for s in slices]


def _without_counts(slice_: dict) -> dict:
    return {key: value for key, value in slice_.items() if key != "responses"}


def capability_slices(capabilities: Sequence[str], answers: Sequence[Answer], min_responses: int) -> list[dict]:
    slices = []
    for name in capabilities:
        ratings = [a.capabilities[name] for a in answers if name in a.capabilities]
        figures = {
            "name": name,
            "users": len(ratings),
            "usage": percent(len(ratings), len(answers)),
            "enough": len(ratings) >= min_responses,
        }
        if figures["enough"]:
            figures["satisfaction"] = {
                "mean": mean(ratings),
                "distribution": distribution(ratings, SATISFACTION_SCALE),
            }
        slices.append(figures)
    return slices


@dataclass(frozen=True)
class Headline:
    """A round's two headline figures, as the list of rounds, the report, its
    comparison with the next round and the API all give them: both None when
    the round had too few answers (or has no report yet)."""

    happiness: float | None = None
    nps: float | None = None
    too_few: bool = False


def headline(overall: dict | None) -> Headline:
    """The headline of a report's `overall` slice; the one rule for "too few
    answers" is the slice's own `enough`."""
    if not overall:
        return Headline()
    if not overall.get("enough"):
        return Headline(too_few=True)
    return Headline(happiness=_dig(overall, "happiness.mean"), nps=_dig(overall, "nps.score"))


def changes(previous: dict | None, current: dict) -> list[dict]:
    """Each figure present in both rounds, with its movement."""
    if not previous:
        return []
    then, now = headline(previous.get("overall")), headline(current.get("overall"))
    pairs = [
        ("Happiness (mean of 1–5)", then.happiness, now.happiness),
        ("Net promoter score", then.nps, now.nps),
        ("Response rate (%)", previous.get("response_rate"), current.get("response_rate")),
    ]
    before = {c["name"]: c for c in previous.get("capabilities", [])}
    pairs.extend(
        (
            f"Satisfaction with {capability['name']}",
            _dig(before.get(capability["name"], {}), "satisfaction.mean"),
            _dig(capability, "satisfaction.mean"),
        )
        for capability in current.get("capabilities", [])
    )
    return [
        {
            "label": label,
            "previous": old,
            "current": new,
            "delta": round(new - old, 2),
            "direction": "up" if new > old else "down" if new < old else "same",
        }
        for label, old, new in pairs
        if old is not None and new is not None
    ]


def report_figures(
    *,
    header: dict,
    answers: Sequence[Answer],
    invited: int,
    responses: int | None = None,
    groups: dict[str, str],
    capabilities: Sequence[str],
    min_responses: int,
    previous: dict | None,
    follow_up: list[dict],
) -> dict:
    """The whole snapshot of a round. Without enough answers overall, nothing
    but counts is kept: no groups, capabilities, themes or changes.

    `responses` is how many answered, when the answers themselves were not
    kept (a round below the minimum keeps none); else it is len(answers)."""
    responses = len(answers) if responses is None else responses
    if len(answers) == responses or responses >= min_responses:
        overall = answer_slice("Everyone", answers, min_responses)
    else:
        overall = _too_few(responses)
    figures = {
        "schema": SCHEMA,
        **header,
        "min_responses": min_responses,
        "invited": invited,
        "responses": responses,
        "response_rate": percent(responses, invited),
        "overall": overall,
        "groups": [],
        "capabilities": [],
        "themes": {"liked": [], "improve": []},
        "changes": [],
        "follow_up": follow_up,
    }
    if not overall["enough"]:
        return figures
    if len(groups) > 1:
        figures["groups"] = group_slices(answers, groups, min_responses)
    figures["capabilities"] = capability_slices(capabilities, answers, min_responses)
    figures["themes"] = {
        "liked": [vars(t) for t in group_into_themes([a.liked for a in answers])],
        "improve": [vars(t) for t in group_into_themes([a.improve for a in answers])],
    }
    figures["changes"] = changes(previous, figures)
    return figures


def _too_few(responses: int) -> dict:
    return {"label": "Everyone", "responses": responses, "enough": False}


def _dig(figures: dict, path: str):
    for key in path.split("."):
        if not isinstance(figures, dict) or key not in figures:
            return None
        figures = figures[key]
    return figures
