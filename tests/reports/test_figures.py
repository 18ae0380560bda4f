"""The report maths on small, hand-computed fixtures."""

import pytest

from apps.reports.figures import Answer, answer_slice, changes, group_slices, net_promoter, report_figures
from apps.reports.themes import OTHER, group_into_themes, themes_of

GROUPS = {"team": "Team members", "stakeholders": "Stakeholders"}


def answers(happiness, recommend, group="team", **extra):
    return [Answer(group=group, happiness=h, recommend=r, **extra) for h, r in zip(happiness, recommend, strict=True)]


def test_nps_is_promoters_minus_detractors_in_percent():
    # 10, 9, 10 promote; 8, 7 are passive; 6, 3 detract: (3 - 2) / 7 = 14.2857...
    assert net_promoter([10, 9, 8, 7, 6, 3, 10]) == {
        "score": 14.3,
        "promoters": 42.9,
        "passives": 28.6,
        "detractors": 28.6,
    }


@pytest.mark.parametrize(
    ("recommends", "score"),
    [
        ([9, 10, 9, 10, 10], 100.0),
        ([0, 6, 5, 1, 2], -100.0),
        ([7, 8, 7, 8, 7], 0.0),
        ([10, 0], 0.0),
        ([9, 6, 6, 6], -50.0),
    ],
)
def test_nps_edges(recommends, score):
    assert net_promoter(recommends)["score"] == score


def test_happiness_mean_and_distribution():
    figures = answer_slice("Everyone", answers([5, 4, 4, 3, 2, 5, 1], [9] * 7), min_responses=5)
    # 24 / 7 = 3.428...
    assert figures["happiness"] == {"mean": 3.43, "distribution": {"1": 1, "2": 1, "3": 1, "4": 2, "5": 2}}
    assert figures["responses"] == 7 and figures["enough"] is True


def test_a_slice_below_the_minimum_has_no_figures_at_all():
    figures = answer_slice("Everyone", answers([5, 4, 4, 3], [9, 9, 9, 9]), min_responses=5)
    assert figures == {"label": "Everyone", "responses": 4, "enough": False}


def test_a_report_below_the_minimum_keeps_only_counts():
    few = answers([5, 4, 4, 3], [9, 9, 9, 9], capabilities={"Docs": 4}, improve="docs please", liked="speed")
    figures = report_figures(
        header={},
        answers=few,
        invited=10,
        groups=GROUPS,
        capabilities=["Docs"],
        min_responses=5,
        previous={"overall": {"happiness": {"mean": 2.0}}},
        follow_up=[],
    )
    assert figures["overall"] == {"label": "Everyone", "responses": 4, "enough": False}
    assert (figures["responses"], figures["invited"], figures["response_rate"]) == (4, 10, 40.0)
    assert figures["groups"] == [] and figures["capabilities"] == [] and figures["changes"] == []
    assert figures["themes"] == {"liked": [], "improve": []}
    assert "docs please" not in str(figures)


def test_a_small_group_hides_the_other_group_too_so_it_cannot_be_worked_out_from_the_total():
    mixed = answers([5, 5, 4, 4, 3], [9] * 5) + answers([1, 2], [0, 0], group="stakeholders")
    slices = group_slices(mixed, GROUPS, min_responses=5)
    # Hidden slices carry no figure at all, not even their count (issue 16: no per-group figures below the minimum).
    assert [(s["key"], s["enough"]) for s in slices] == [("team", False), ("stakeholders", False)]
    assert slices[0]["protects_others"] is True
    assert all("happiness" not in s and "nps" not in s and "responses" not in s for s in slices)


def test_answers_stored_without_their_group_hide_every_group():
    withheld = answers([5, 5, 4, 4, 3, 1, 2, 2, 1, 3], [9] * 10, group="")
    slices = group_slices(withheld, GROUPS, min_responses=5)
    assert [(s["key"], s["enough"]) for s in slices] == [("team", False), ("stakeholders", False)]
    assert all(set(s) == {"key", "label", "enough", "protects_others"} for s in slices)


def test_groups_are_shown_when_each_has_enough_answers():
    mixed = answers([5, 5, 4, 4, 3], [9] * 5) + answers([1, 2, 2, 1, 3], [0] * 5, group="stakeholders")
    team, stakeholders = group_slices(mixed, GROUPS, min_responses=5)
    assert (team["happiness"]["mean"], stakeholders["happiness"]["mean"]) == (4.2, 1.8)
    assert (team["nps"]["score"], stakeholders["nps"]["score"]) == (100.0, -100.0)


def test_capability_satisfaction_only_with_enough_raters_but_usage_always():
    rated = [{"Docs": s, "API": 5} if i < 2 else {"Docs": s} for i, s in enumerate([1, 2, 3, 4, 5, 5])]
    six = [Answer(group="team", happiness=3, recommend=7, capabilities=c) for c in rated]
    figures = report_figures(
        header={},
        answers=six,
        invited=6,
        groups={"team": "Team"},
        capabilities=["Docs", "API", "Unused"],
        min_responses=5,
        previous=None,
        follow_up=[],
    )
    docs, api, unused = figures["capabilities"]
    # (1 + 2 + 3 + 4 + 5 + 5) / 6 = 3.33
    assert docs["satisfaction"] == {"mean": 3.33, "distribution": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 2}}
    assert (docs["users"], docs["usage"]) == (6, 100.0)
    assert api == {"name": "API", "users": 2, "usage": 33.3, "enough": False}
    assert unused == {"name": "Unused", "users": 0, "usage": 0.0, "enough": False}
    assert figures["groups"] == []  # one group: the breakdown would repeat the total


def test_changes_compare_figures_present_in_both_rounds_with_their_direction():
    previous = {
        "response_rate": 50.0,
        "overall": {"enough": True, "happiness": {"mean": 3.0}, "nps": {"score": 20.0}},
        "capabilities": [{"name": "Docs", "satisfaction": {"mean": 2.5}}, {"name": "API", "enough": False}],
    }
    current = {
        "response_rate": 50.0,
        "overall": {"enough": True, "happiness": {"mean": 3.43}, "nps": {"score": 14.3}},
        "capabilities": [{"name": "Docs", "satisfaction": {"mean": 3.0}}, {"name": "API", "satisfaction": {"mean": 4}}],
    }
    assert [
        (c["label"], c["previous"], c["current"], c["delta"], c["direction"]) for c in changes(previous, current)
    ] == [
        ("Happiness (mean of 1–5)", 3.0, 3.43, 0.43, "up"),
        ("Net promoter score", 20.0, 14.3, -5.7, "down"),
        ("Response rate (%)", 50.0, 50.0, 0.0, "same"),
        ("Satisfaction with Docs", 2.5, 3.0, 0.5, "up"),
    ]
    assert changes(None, current) == []
    too_few = previous | {"overall": {"label": "Everyone", "responses": 3, "enough": False}}
    assert [c["label"] for c in changes(too_few, current)] == ["Response rate (%)", "Satisfaction with Docs"]


def test_free_text_is_grouped_into_themes_with_counts_and_quotes():
    themes = group_into_themes(
        [
            "The docs are outdated",
            "Documentation lacks examples",
            "Pipeline crashes every week",
            "  ",
            "More docs and fewer outages",
            "Docs, docs, docs",
            "Docs again",
            "Lovely people",
        ]
    )
    # "More docs and fewer outages" counts once, under Documentation (issue 16: it was counted under Stability too).
    assert [(t.name, t.count) for t in themes] == [("Documentation", 5), ("Stability", 1), (OTHER, 1)]
    assert themes[0].quotes == ["The docs are outdated", "Documentation lacks examples", "More docs and fewer outages"]
    assert themes_of("Slow dashboards") == ["Speed", "Features"]


def test_each_answer_counts_once_so_theme_counts_add_up_to_the_answers():
    answers = ["Slow dashboards", "The docs are slow and the docs are wrong", "Crashes, slow, broken export", "Fine"]
    themes = group_into_themes(answers)
    assert sum(t.count for t in themes) == len(answers)
    assert {t.name: t.count for t in themes} == {"Speed": 1, "Documentation": 1, "Stability": 1, OTHER: 1}
    assert sum(len(t.quotes) for t in themes) == len(answers)
