"""Every figure of a delivery report against the hand-built history in conftest.py."""

import datetime

import pytest

from apps.delivery import figures, summary
from apps.delivery.figures import Window, percentiles
from apps.requests.models import StakeholderRequest
from tests.delivery.conftest import APRIL, at, day, on
from tests.factories import ProductFactory, StakeholderRequestFactory

MARCH = Window(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def test_sprint_by_sprint_figures(history):
    with on(APRIL):
        rows = figures.sprint_rows(history["product"], MARCH)
    first = rows[0]
    assert first["name"] == "Sprint 1"
    assert (first["committed"], first["completed"], first["completed_committed"]) == (10, 4, 3)
    assert first["say_do"] == 0.3
    assert (first["added"], first["removed"]) == (1, 2)
    # B was re-estimated from 5 to 8 after it was committed: scope change.
    assert (first["reestimated_up"], first["reestimated_down"]) == (3, 0)
    assert (first["scope_added"], first["scope_removed"]) == (4, 2)
    assert (first["carried_over"], first["carried_items"]) == (5, 1)


def test_carried_over_work_is_the_next_sprints_commitment(history):
    with on(APRIL):
        second = figures.sprint_rows(history["product"], MARCH)[1]
    assert second["name"] == "Sprint 2"
    # B entered Sprint 2 at its new estimate before the start: committed, not added.
    assert (second["committed"], second["added"], second["completed"]) == (8, 0, 8)
    assert (second["reestimated_up"], second["reestimated_down"]) == (0, 0)


def test_a_sprint_report_covers_that_sprint_only(history):
    sprint = history["sprint"]
    with on(APRIL):
        section = figures.sprint_section(history["product"], Window(day(0), day(9)), sprint)
    assert [row["name"] for row in section["sprints"]] == ["Sprint 1"]
    assert (section["committed"], section["completed_committed"], section["say_do"]) == (10, 3, 0.3)


def test_throughput_per_week_counts_a_reopened_item_once(history):
    with on(APRIL):
        flow = figures.flow_section(history["product"], MARCH)
    weeks = {week["week"]: week["items"] for week in flow["throughput"]}
    assert weeks == {
        "2026-02-23": 0,
        "2026-03-02": 1,  # A
        "2026-03-09": 1,  # D, done twice, counted once
        "2026-03-16": 1,  # B
        "2026-03-23": 0,
        "2026-03-30": 0,
    }
    assert flow["finished"] == 3


def test_cycle_and_lead_time_distributions(history):
    with on(APRIL):
        flow = figures.flow_section(history["product"], MARCH)
    cycle, lead = flow["cycle_time"], flow["lead_time"]
    # A 2 days, D 2 days (from its first start to its last finish), B 12 days.
    assert cycle["histogram"] == [[2, 2], [12, 1]]
    assert (cycle["p50"], cycle["p85"], cycle["p95"], cycle["mean"]) == (2, 12, 12, 5.3)
    # A 6 days, D 4 days, B 17 days from creation.
    assert lead["histogram"] == [[4, 1], [6, 1], [17, 1]]
    assert (lead["p50"], lead["p85"]) == (6, 17)


def test_work_by_kind(history):
    with on(APRIL):
        flow = figures.flow_section(history["product"], MARCH)
    assert flow["by_kind"] == [{"kind": "story", "label": "Story", "items": 3, "points": 12.0}]


def test_cumulative_flow(history):
    with on(APRIL):
        cfd = figures.cumulative_flow(history["product"], Window(day(0), day(13)))
    assert cfd["days"] == ["2026-03-02", "2026-03-09", "2026-03-15"]
    # 2 March: A B C E arrived, none started. 9 March: D arrived, A B D started, A done.
    # 15 March: D done (first done 10 March), B still in progress.
    assert cfd["to_do"] == [4, 2, 2]
    assert cfd["in_progress"] == [0, 2, 1]
    assert cfd["done"] == [0, 1, 2]


def test_blockers_count_only_their_part_inside_the_period(history):
    with on(APRIL):
        march = figures.blocker_section(history["product"], MARCH)
    # Data access 4–14 March: 10 days; "other": half a day; the dependency all of March: 31 days.
    assert march["days"] == 41.5
    assert (march["data_access_days"], march["data_access_items"], march["data_access_blockers"]) == (10.0, 1, 1)
    assert march["other_days"] == 31.5
    assert march["items"] == 3
    assert [b["title"] for b in march["longest_open"]] == ["E: partner feed"]
    assert march["longest_open"][0]["days"] == 40  # 20 February to 1 April


def test_a_blocker_spanning_the_sprint_boundary_is_split(history):
    sprint_window = Window(day(0), day(9))
    with on(APRIL):
        section = figures.blocker_section(history["product"], sprint_window)
    # 4 March 10:00 until the sprint's last day ends (12 March 00:00): 7 days 14 hours.
    assert section["data_access_days"] == 7.6
    assert section["open_at_end"] == 2  # the data wait and the dependency were open when the sprint ended


def test_while_the_period_runs_blockers_count_until_now(history):
    with on(at(day(3), 10)):
        section = figures.blocker_section(history["product"], MARCH)
    assert section["data_access_days"] == 1.0


def test_requests_received_decided_and_time_to_decision(product, pm):
    for created, responded, decided, status in [
        (at(day(0)), at(day(1)), at(day(3)), "accepted"),  # Mon → Thu: 3 working days
        (at(day(4)), at(day(4), 15), at(day(11)), "declined"),  # Fri → next Fri: 5 working days
        (at(day(11)), None, None, "new"),
        (at(datetime.date(2026, 2, 2)), at(day(0)), at(day(0)), "accepted"),  # received in February
    ]:
        made = StakeholderRequestFactory(
            product=product, status=status, first_response_at=responded, decided_at=decided
        )
        StakeholderRequest.objects.filter(pk=made.pk).update(created_at=created)  # auto_now_add
    with on(APRIL):
        section = figures.request_section(product, MARCH)
    assert (section["received"], section["decided"], section["first_responses"]) == (3, 3, 3)
    assert section["median_first_response_days"] == 1
    # Decisions took 3, 5 and 20 working days (the February one); the target is 5.
    assert section["median_decision_days"] == 5
    assert (section["decided_on_target"], section["target_days"]) == (2, 5)
    assert section["waiting"] == 1


def test_science_counts_experiments_findings_and_wrong_assumptions(history, scrum_master):
    from apps.hypotheses.models import Assumption
    from apps.hypotheses.services import assumption_mark_wrong, assumption_record

    product = history["product"]
    with on(at(day(13))):
        assumption = assumption_record(
            actor=scrum_master, sprint=history["next_sprint"], text="Clicks are complete", category="data_quality"
        )
        assumption_mark_wrong(
            actor=scrum_master,
            assumption=assumption,
            note="A day is missing",
            follow_ups=[{"title": "Backfill clicks", "story_points": 3}, {"title": "Alert on gaps", "story_points": 2}],
        )
    assert Assumption.objects.get().status == "wrong"
    with on(APRIL):
        science = figures.science_section(product, MARCH, [history["sprint"].pk])
    assert (science["wrong_assumptions"], science["follow_up_items"], science["follow_up_points"]) == (1, 2, 5.0)
    assert science["experiments_concluded"] == 0
    assert science["hypotheses"] == {"validated": 0, "invalidated": 0, "inconclusive": 0, "experiments_concluded": 0}


def test_science_counts_hypotheses_and_experiments_concluded_in_the_period(history, pm):
    from apps.hypotheses import services
    from tests.factories import OutcomeMetricFactory

    product = history["product"]
    metric = OutcomeMetricFactory(product=product, name="Click-through rate", baseline=2, target=3)

    def tested(change):
        hypothesis = services.hypothesis_create(
            actor=pm,
            product=product,
            metric=metric,
            baseline=2,
            target=3,
            change=change,
            audience="shoppers",
            outcome="more clicks",
        )
        return services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status="testing")

    with on(at(day(10))):
        validated, invalidated, february = tested("re-rank"), tested("bigger images"), tested("fewer slots")
        experiment = services.experiment_create(actor=pm, hypothesis=invalidated, title="Offline", method="backtest")
        services.experiment_record_result(actor=pm, experiment=experiment, conclusion="No lift.")
        services.hypothesis_set_status(actor=pm, hypothesis=validated, status="validated", learning="It works.")
        services.hypothesis_set_status(actor=pm, hypothesis=invalidated, status="invalidated", learning="No lift.")
    with on(at(day(-5))):  # concluded in February: outside the March report
        services.hypothesis_set_status(actor=pm, hypothesis=february, status="inconclusive", learning="Too noisy.")
    with on(APRIL):
        science = figures.science_section(product, MARCH, [history["sprint"].pk])
    assert science["hypotheses"] == {"validated": 1, "invalidated": 1, "inconclusive": 0, "experiments_concluded": 1}


def test_an_empty_product_has_figures_of_nothing(db):
    product = ProductFactory()
    with on(APRIL):
        report = figures.report_figures(product, MARCH)
    assert report["sprints"]["sprints"] == []
    assert report["flow"]["finished"] == 0
    assert report["flow"]["cycle_time"]["p50"] is None
    assert report["blockers"]["days"] == 0
    assert summary.sentences(report)[0] == "No sprint ran in this period."


def test_the_summary_is_written_from_the_figures(history):
    with on(APRIL):
        report = figures.report_figures(history["product"], MARCH)
    text = summary.summary_of(report)
    assert text.startswith("Delivered 11 of 18 committed points (61 %).")
    assert "Scope changed mid-sprint: +4 / −2 points, 3 of it by re-estimating." in text
    assert "3 items finished; half took 2 days or less from start to done, 85 % within 12 days." in text
    assert "Data access blocked 1 item for 10 days in total." in text


@pytest.mark.parametrize(
    "histogram, expected",
    [
        ({}, (None, None)),
        ({3: 1}, (3, 3)),
        ({1: 50, 10: 50}, (1, 10)),
        ({1: 85, 9: 15}, (1, 1)),
        ({0: 1, 4: 3}, (4, 4)),
    ],
)
def test_percentiles_by_nearest_rank(histogram, expected):
    result = percentiles(histogram, (50, 85))
    assert (result["p50"], result["p85"]) == expected
