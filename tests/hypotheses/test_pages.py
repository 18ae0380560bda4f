"""Hypothesis pages: the ledger, the hypothesis page, the learning log and
their exports, for each role (stakeholders see only what is published, and
only its statement, outcome and learning; outsiders get 404), bad input, and
query counts that do not grow with the rows shown."""

import csv
import io
from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from apps.hypotheses import services
from apps.hypotheses.models import Assumption, Hypothesis, LearningEntry
from tests.factories import ExperimentFactory, HypothesisFactory, UserFactory
from tests.hypotheses.conftest import conclude, publish
from tests.utils import queries_of

LEDGER = "/p/recommender/hypotheses/"
LEARNING = "/p/recommender/hypotheses/learning/"


@pytest.fixture
def published(state, metric, pm, member):
    """H-1: concluded, published, with a secret note and an experiment's figures."""
    hypothesis = state(metric, notes="Internal: vendor contract at risk", change="showing similar items")
    hypothesis = services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status="testing")
    experiment = services.experiment_create(actor=member, hypothesis=hypothesis, title="Raw A/B", method="ab_test")
    services.experiment_record_result(
        actor=member, experiment=experiment, conclusion="Treatment lost.", treatment_value=Decimal("2.4123")
    )
    hypothesis = conclude(pm, Hypothesis.objects.get(pk=hypothesis.pk), learning="Similar items distract shoppers.")
    return publish(pm, hypothesis)


@pytest.fixture
def unpublished(state, metric, pm):
    """H-2: concluded but not published."""
    hypothesis = services.hypothesis_set_status(
        actor=pm, hypothesis=state(metric, change="bundling accessories"), status="testing"
    )
    return conclude(pm, hypothesis, "validated", learning="Bundles sell.")


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- who sees what -------------------------------------------------------------------------


def test_stakeholders_see_only_published_hypotheses_and_never_internals(
    browser_client, stakeholder, published, unpublished
):
    client = browser_client.as_user(stakeholder)
    ledger = client.get(LEDGER)
    assertContains(ledger, "showing similar items")
    assertNotContains(ledger, "bundling accessories")
    page = client.get(f"{LEDGER}{published.number}/")
    assertContains(page, "Similar items distract shoppers.")
    assertContains(page, "Invalidated")
    for secret in ("vendor contract", "Raw A/B", "2.41", "Treatment lost"):
        assertNotContains(page, secret)
    assert client.get(f"{LEDGER}{unpublished.number}/").status_code == 404


def test_rows_rendered_for_the_team_are_never_served_to_stakeholders(browser_client, member, stakeholder, published):
    # Ledger rows and log entries are kept rendered by what they show (the "fragments" cache);
    # the team's shape of the page is part of that key.
    team = browser_client.as_user(member)
    assertContains(team.get(LEDGER), 'title="Published to stakeholders"')
    decision = f'<a href="{LEDGER}{published.number}/">{published.reference}</a> · Decision'
    assertContains(team.get(LEARNING), decision)
    client = browser_client.as_user(stakeholder)
    ledger = client.get(LEDGER)
    assertContains(ledger, "showing similar items")
    assertNotContains(ledger, 'title="Published to stakeholders"')
    assertContains(ledger, "Similar items distract shoppers.")  # the public column
    log = client.get(LEARNING)
    assertContains(log, "Similar items distract shoppers.")
    assertNotContains(log, decision)


def test_a_ledger_row_shows_what_changed_since_it_was_last_rendered(browser_client, member, published):
    client = browser_client.as_user(member)
    assertContains(client.get(LEDGER), "showing similar items")
    assertContains(client.get(LEARNING), "Similar items distract shoppers.")
    Hypothesis.objects.filter(pk=published.pk).update(change="showing related items", confidence_after=77)
    LearningEntry.objects.filter(hypothesis=published).update(learned="Related items distract too.")
    ledger = client.get(LEDGER)
    assertContains(ledger, "showing related items")
    assertContains(ledger, "→ 77 %")
    assertContains(client.get(LEARNING), "Related items distract too.")


def test_stakeholders_search_and_filter_only_what_is_published(browser_client, stakeholder, published, unpublished):
    client = browser_client.as_user(stakeholder)
    assertNotContains(client.get(LEDGER + "?q=bundling"), "bundling accessories")
    assertNotContains(client.get(LEDGER + "?status=validated"), "bundling accessories")
    assertNotContains(client.get(LEDGER + f"?q=H-{unpublished.number}"), "bundling")
    assertContains(client.get(LEDGER + "?q=similar"), "showing similar items")


def test_stakeholders_export_only_published_hypotheses_and_public_columns(
    browser_client, stakeholder, published, unpublished
):
    rows = rows_of(browser_client.as_user(stakeholder).get(LEDGER + "export.csv"))
    assert [row["reference"] for row in rows] == [published.reference]
    assert set(rows[0]) == {"reference", "statement", "status", "learning", "url"}


def test_the_team_exports_every_hypothesis_with_the_ledgers_figures(browser_client, member, published, unpublished):
    rows = rows_of(browser_client.as_user(member).get(LEDGER + "export.csv?status=invalidated"))
    assert [row["reference"] for row in rows] == [published.reference]
    assert rows[0]["observed"] == "2.4123" and rows[0]["published"] == "yes"


def test_stakeholders_read_the_learning_log_of_published_decisions_only(
    browser_client, stakeholder, published, unpublished
):
    client = browser_client.as_user(stakeholder)
    log = client.get(LEARNING)
    assertContains(log, "Similar items distract shoppers.")
    assertNotContains(log, "Bundles sell.")
    assertNotContains(log, "Treatment lost")  # experiments are the team's
    assertNotContains(client.get(LEARNING + "?q=bundles"), "Bundles sell.")
    markdown = client.get(LEARNING + "export.md").content.decode()
    assert "Similar items distract shoppers." in markdown and "Bundles" not in markdown
    assert "What we ran" not in markdown
    rows = rows_of(client.get(LEARNING + "export.csv"))
    assert [row["learned"] for row in rows] == ["Similar items distract shoppers."]
    assert "ran" not in rows[0]


def test_the_team_reads_and_searches_the_whole_log(browser_client, member, published, unpublished):
    client = browser_client.as_user(member)
    assertContains(client.get(LEARNING), "Treatment lost")
    response = client.get(LEARNING + "?q=bundles")
    assertContains(response, "Bundles sell.")
    assertNotContains(response, "Similar items distract")
    markdown = client.get(LEARNING + "export.md").content.decode()
    assert "**What we ran:** A/B test: Raw A/B" in markdown
    assert markdown.index("Bundles sell.") < markdown.index("Similar items distract")  # newest first


@pytest.mark.parametrize(
    "url",
    [LEDGER, LEDGER + "1/", LEDGER + "export.csv", LEARNING, LEARNING + "export.md", LEARNING + "export.csv"],
)
def test_outsiders_get_404_everywhere(browser_client, outsider, published, url):
    assert browser_client.as_user(outsider).get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [LEDGER + "new/", LEDGER + "1/edit/", LEDGER + "feasibility/", LEDGER + "gates/", LEDGER + "1/experiments/new/"],
)
def test_stakeholders_get_403_for_the_teams_pages(browser_client, stakeholder, published, url):
    assert browser_client.as_user(stakeholder).get(url).status_code == 403


@pytest.mark.parametrize("persona", ["scrum_master", "member"], indirect=True)
def test_only_the_pm_writes_decides_and_publishes(browser_client, persona, published, unpublished):
    client = browser_client.as_user(persona)
    assert client.get(LEDGER + "new/").status_code == 403
    assert client.post(f"{LEDGER}{unpublished.number}/publish/").status_code == 403
    assert client.post(f"{LEDGER}{unpublished.number}/status/", {"status": "testing"}).status_code == 403
    assert not Hypothesis.objects.get(pk=unpublished.pk).is_published


def test_the_nav_has_a_hypotheses_tab(browser_client, stakeholder, product):
    response = browser_client.as_user(stakeholder).get("/p/recommender/")
    assertContains(response, f'href="{LEDGER}"')


# --- the PM's journey through the forms ---------------------------------------------------------


def test_the_pm_states_a_hypothesis_on_a_metric_and_creates_its_test_items(browser_client, pm, metric, member):
    client = browser_client.as_user(pm)
    response = client.post(
        LEDGER + "new/",
        {
            "change": "ranking by recent views",
            "audience": "returning shoppers",
            "outcome": "more clicks",
            "metric": metric.pk,
            "direction": "increase",
            "baseline": "2",
            "target": "3",
            "target_date": "2026-09-30",
            "owner": member.pk,
            "confidence_before": "60",
        },
    )
    hypothesis = Hypothesis.objects.get()
    assert response.status_code == 302 and response.url == f"{LEDGER}{hypothesis.number}/"
    response = client.post(
        f"{LEDGER}{hypothesis.number}/test-items/",
        {
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-0-title": "Offline evaluation",
            "items-0-kind": "experiment",
            "items-0-story_points": "3",
            "items-1-title": "A/B test",
            "items-1-kind": "experiment",
            "items-2-title": "",
            "items-2-kind": "task",
        },
    )
    assert response.status_code == 302
    assert sorted(hypothesis.test_items.values_list("title", flat=True)) == ["A/B test", "Offline evaluation"]
    page = client.get(f"{LEDGER}{hypothesis.number}/")
    assertContains(page, "Offline evaluation")
    item = hypothesis.test_items.get(title="A/B test")
    assertContains(client.get(f"/p/recommender/backlog/items/{item.number}/"), "Tests hypothesis")


def test_a_statement_missing_a_part_is_a_400_and_nothing_is_saved(browser_client, pm):
    response = browser_client.as_user(pm).post(LEDGER + "new/", {"change": "x", "audience": "", "outcome": "y"})
    assert response.status_code == 400
    assert not Hypothesis.objects.exists()


def test_a_status_jump_on_the_page_is_a_400_with_the_reason(browser_client, pm, state, metric):
    hypothesis = state(metric)
    response = browser_client.as_user(pm).post(
        f"{LEDGER}{hypothesis.number}/status/", {"status": "validated", "learning": "x", "version": hypothesis.version}
    )
    assertContains(response, "concluded only after it has been tested", status_code=400)
    assert Hypothesis.objects.get(pk=hypothesis.pk).status == "proposed"


def test_a_stale_decision_on_the_page_is_a_409(browser_client, pm, testing):
    response = browser_client.as_user(pm).post(
        f"{LEDGER}{testing.number}/status/", {"status": "validated", "learning": "x", "version": testing.version - 1}
    )
    assertContains(response, "changed by someone else", status_code=409)


def test_linking_a_request_nobody_has_is_a_400(browser_client, pm, testing):
    response = browser_client.as_user(pm).post(f"{LEDGER}{testing.number}/links/", {"requests": "R-99"})
    assertContains(response, "No request R-99", status_code=400)
    response = browser_client.as_user(pm).post(f"{LEDGER}{testing.number}/links/", {"items": "#x"})
    assertContains(response, "is not a number", status_code=400)


def test_forms_sent_back_with_errors_are_never_the_blank_ones_kept_rendered(browser_client, pm, testing):
    # The page keeps its blank link and test-item forms rendered (the fragments cache); a form with errors is its own.
    client = browser_client.as_user(pm)
    url = f"{LEDGER}{testing.number}/"
    assertContains(client.get(url), 'name="items-0-title"')
    response = client.post(url + "links/", {"items": "#x"})
    assertContains(response, "is not a number", status_code=400)
    assertContains(response, 'value="#x"', status_code=400)
    form = {"items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-0-title": "Offline check"}
    response = client.post(url + "test-items/", form | {"items-0-kind": "experiment", "items-0-story_points": "-1"})
    assertContains(response, 'value="Offline check"', status_code=400)
    assertContains(response, "greater than or equal to 0", status_code=400)
    assertNotContains(client.get(url), "Offline check")


def test_a_member_records_a_result_and_the_page_shows_the_proposal(browser_client, member, pm, testing):
    experiment = services.experiment_create(actor=member, hypothesis=testing, title="Backtest", method="backtest")
    response = browser_client.as_user(member).post(
        f"{LEDGER}experiments/{experiment.pk}/result/",
        {"observed_value": "2.5", "conclusion": "Missed it.", "version": experiment.version},
    )
    assert response.status_code == 302
    page = browser_client.as_user(pm).get(f"{LEDGER}{testing.number}/")
    assertContains(page, "proposes")
    assertContains(page, "2.5 % is below the target 3 % (higher is better)")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"observed_value": "lots", "conclusion": "x"}, "Enter a number"),
        ({"observed_value": "2", "conclusion": ""}, "This field is required"),
        ({"observed_value": "2", "interval_low": "1", "conclusion": "x"}, "both ends of the interval"),
    ],
)
def test_bad_results_on_the_page_are_400s_and_change_nothing(browser_client, member, testing, data, message):
    experiment = services.experiment_create(actor=member, hypothesis=testing, title="Backtest", method="backtest")
    response = browser_client.as_user(member).post(f"{LEDGER}experiments/{experiment.pk}/result/", data)
    assertContains(response, message, status_code=400)
    experiment.refresh_from_db()
    assert experiment.status == "planned"


def test_an_observed_value_on_a_hypothesis_with_no_metric_is_a_400_on_the_page(browser_client, member, state):
    hypothesis = state(None)
    experiment = services.experiment_create(actor=member, hypothesis=hypothesis, title="Look", method="analysis")
    response = browser_client.as_user(member).post(
        f"{LEDGER}experiments/{experiment.pk}/result/", {"observed_value": "2", "conclusion": "x"}
    )
    assertContains(response, "has no metric", status_code=400)


def test_a_wrong_assumption_on_a_hypothesis_spawns_follow_ups_shown_on_its_page(browser_client, member, testing):
    client = browser_client.as_user(member)
    client.post(
        f"{LEDGER}{testing.number}/assumptions/",
        {"text": "Click logs carry the ranking position", "category": "data_quality"},
    )
    assumption = Assumption.objects.get()
    assert (assumption.hypothesis, assumption.sprint) == (testing, None)
    response = client.post(
        f"/p/recommender/hypotheses/assumptions/{assumption.pk}/wrong/",
        {
            "note": "Position is missing before May.",
            "place": "backlog",
            "version": assumption.version,
            "follow_ups-TOTAL_FORMS": "1",
            "follow_ups-INITIAL_FORMS": "0",
            "follow_ups-0-title": "Backfill ranking positions",
            "follow_ups-0-kind": "data_request",
            "follow_ups-0-story_points": "5",
        },
    )
    assert response.status_code == 302 and response.url == f"{LEDGER}{testing.number}/#assumptions"
    page = client.get(f"{LEDGER}{testing.number}/")
    assertContains(page, "Backfill ranking positions")
    assertContains(page, "5 points")


# --- query counts ----------------------------------------------------------------------------------


def _grow(product, pm, count, start):
    for n in range(start, start + count):
        hypothesis = HypothesisFactory(product=product, number=n, owner=pm, status="testing")
        ExperimentFactory(hypothesis=hypothesis, status="concluded", observed_value=2)
        LearningEntry.objects.create(
            product=product, hypothesis=hypothesis, kind="decision", happened_at=hypothesis.created_at,
            status="validated", believed=hypothesis.statement, learned="Something", actor=pm,
        )  # fmt: skip


@pytest.mark.parametrize("persona", ["pm", "stakeholder"], indirect=True)
def test_ledger_and_learning_log_queries_do_not_grow_with_rows(
    browser_client, persona, pm, product, django_assert_num_queries
):
    client = browser_client.as_user(persona)
    _grow(product, pm, 2, 100)
    Hypothesis.objects.update(published_at="2026-01-01T00:00Z", status="validated")
    counts = {url: queries_of(lambda url=url: client.get(url)) for url in (LEDGER, LEARNING, LEDGER + "?q=model")}
    _grow(product, pm, 30, 200)
    Hypothesis.objects.update(published_at="2026-01-01T00:00Z", status="validated")
    for url, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def test_the_hypothesis_page_queries_do_not_grow_with_its_experiments_and_links(
    browser_client, pm, testing, make_item, django_assert_num_queries
):
    client = browser_client.as_user(pm)
    url = f"{LEDGER}{testing.number}/"

    def grow(n):
        for _ in range(n):
            ExperimentFactory(hypothesis=testing, status="concluded", observed_value=2, conclusion="x")
            services.hypothesis_link_items(actor=pm, hypothesis=testing, items=[make_item()])
            services.hypothesis_update(actor=pm, hypothesis=testing, expected_version=None, evidence=f"e{n}")

    grow(2)
    count = queries_of(lambda: client.get(url))
    grow(12)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


def test_a_filter_that_is_no_date_is_a_400_not_a_500(browser_client, member, published):
    response = browser_client.as_user(member).get(LEDGER + "?due_after=someday&metric=x&status=maybe")
    assert response.status_code == 400
    assert browser_client.as_user(member).get(LEARNING + "?after=later").status_code == 400
    assert browser_client.as_user(member).get(LEDGER + "export.csv?due_before=never").status_code == 400


def test_huge_numbers_in_urls_are_404s(browser_client, member, published):
    client = browser_client.as_user(member)
    assert client.get(LEDGER + "99999999999999999999/").status_code == 404
    assert client.get(LEDGER + "experiments/99999999999999999999/").status_code == 404


def test_a_stranger_cannot_own_a_hypothesis_via_the_form(browser_client, pm, metric):
    stranger = UserFactory()
    response = browser_client.as_user(pm).post(
        LEDGER + "new/", {"change": "a", "audience": "b", "outcome": "c", "owner": stranger.pk, "direction": "increase"}
    )
    assert response.status_code == 400
    assert not Hypothesis.objects.exists()


def test_the_experiments_chart_gets_its_figures_as_a_json_object(browser_client, pm, testing, member):
    import json
    import re

    experiment = services.experiment_create(actor=member, hypothesis=testing, title="Backtest", method="backtest")
    services.experiment_record_result(
        actor=member, experiment=experiment, observed_value=Decimal("2.5"), conclusion="Missed."
    )
    page = browser_client.as_user(pm).get(f"{LEDGER}{testing.number}/").content.decode()
    data = json.loads(re.search(r'<script id="experiments-data" type="application/json">(.*?)</script>', page).group(1))
    assert data == {
        "unit": "%",
        "baseline": 2.0,
        "target": 3.0,
        "experiments": [{"label": "Backtest", "observed": 2.5, "low": None, "high": None}],
    }
