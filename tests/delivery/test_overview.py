"""What a stakeholder lands on (the product overview): her requests with status
and expected delivery, the shared roadmap, the published delivery summary and
the published happiness report, and nothing internal. The team's overview shows
the latest delivery summary."""

import datetime

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from apps.delivery import services
from apps.delivery.models import Period
from apps.reports import services as reports
from apps.reports.models import HappinessReport, Survey, SurveyRound
from apps.roadmap import services as roadmap
from tests.delivery.conftest import APRIL, on
from tests.factories import BacklogItemFactory, SprintFactory, SprintItemFactory, StakeholderRequestFactory

OVERVIEW = "/p/recommender/"
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def happiness(product, pm):
    survey = Survey.objects.create(product=product, title="Platform happiness", min_responses=3)
    now = timezone.now()
    round_ = SurveyRound.objects.create(
        survey=survey, number=1, status="closed", opened_at=now, closes_at=now, closed_at=now, invited_count=8
    )
    figures = {
        "responses": 6,
        "invited": 8,
        "overall": {"enough": True, "happiness": {"mean": 4.2}, "nps": {"score": 33}},
        "themes": {"liked": [{"name": "Docs", "count": 2, "quotes": ["The docs are great", "Docs saved me"]}]},
    }
    return HappinessReport.objects.create(round=round_, figures=figures, built_at=now)


@pytest.fixture
def stakeholder_world(product, pm, stakeholder, other_product):
    sprint = SprintFactory(
        product=product, status="planned", start_date=datetime.date(2026, 6, 1), end_date=datetime.date(2026, 6, 12)
    )
    entry = SprintItemFactory(sprint=sprint)
    mine = StakeholderRequestFactory(
        product=product,
        requester=stakeholder,
        title="Explain forecast errors",
        status="accepted",
        backlog_item=entry.item,
    )
    StakeholderRequestFactory(product=product, requester=stakeholder, title="Weekly export", status="new")
    StakeholderRequestFactory(product=product, title="Somebody else's secret", visibility="private")
    roadmap.item_create(actor=pm, product=product, title="Shared: smarter ranking", shared=True)
    roadmap.item_create(actor=pm, product=product, title="Internal: rewrite pipeline", shared=False)
    BacklogItemFactory(product=product, title="Backlog-only refactor")
    return {"mine": mine, "sprint": sprint}


def test_a_stakeholder_sees_her_requests_with_expected_delivery(browser_client, stakeholder, stakeholder_world):
    page = browser_client.as_user(stakeholder).get(OVERVIEW)
    assertContains(page, "Your requests")
    assertContains(page, "Explain forecast errors")
    assertContains(page, f"({stakeholder_world['sprint'].name})")  # expected by the end of the sprint it is in
    assertContains(page, "Weekly export")
    assertContains(page, "Shared: smarter ranking")


def test_a_stakeholder_sees_nothing_internal(browser_client, stakeholder, stakeholder_world, history, pm):
    with on(APRIL):
        report = services.report_build(product=history["product"], period=Period.MONTH, start=MARCH[0], end=MARCH[1])
    page = browser_client.as_user(stakeholder).get(OVERVIEW)
    for internal in (
        "Somebody else's secret",
        "Internal: rewrite pipeline",
        "Backlog-only refactor",
        report.summary,  # not published yet
        "delivery/dashboard",
        "/delivery/",
    ):
        assertNotContains(page, internal)
    assertContains(page, "has not published a delivery summary yet")


def test_a_stakeholder_sees_the_published_delivery_summary(browser_client, stakeholder, history, pm):
    with on(APRIL):
        report = services.report_build(product=history["product"], period=Period.MONTH, start=MARCH[0], end=MARCH[1])
    services.report_publish(actor=pm, report=report, published=True)
    page = browser_client.as_user(stakeholder).get(OVERVIEW)
    assertContains(page, "How delivery is going")
    assertContains(page, report.summary)
    assertNotContains(page, "Sprint by sprint")


def test_a_stakeholder_sees_a_published_happiness_report_with_only_the_picked_quotes(
    browser_client, stakeholder, pm, happiness
):
    client = browser_client.as_user(stakeholder)
    assertContains(client.get(OVERVIEW), "No happiness report has been published yet")
    reports.report_publish(actor=pm, report=happiness, published=True, quotes=["Docs saved me"])
    page = client.get(OVERVIEW)
    assertContains(page, "Happiness 4.2 of 5; net promoter score 33")
    assertContains(page, "Docs saved me")
    assertNotContains(page, "The docs are great")


def test_a_quote_the_report_does_not_carry_cannot_be_published(pm, happiness):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Only quotes from this report"):
        reports.report_publish(actor=pm, report=happiness, published=True, quotes=["Made up praise"])
    assert HappinessReport.objects.get().published_at is None


def test_only_the_pm_publishes_a_happiness_report(browser_client, pm, member, happiness, product):
    url = f"/p/recommender/reports/rounds/{happiness.round_id}/publish/"
    assert browser_client.as_user(member).post(url, {"published": "1"}).status_code == 403
    response = browser_client.as_user(pm).post(url, {"published": "1", "quotes": ["The docs are great"]})
    assert response.status_code == 302
    assert HappinessReport.objects.get().published_quotes == ["The docs are great"]
    browser_client.as_user(pm).post(url, {"published": "0"})
    assert HappinessReport.objects.get().published_at is None


def test_the_team_sees_the_latest_delivery_summary_not_the_stakeholder_sections(browser_client, member, history):
    client = browser_client.as_user(member)
    assertContains(client.get(OVERVIEW), "No delivery report yet")
    with on(APRIL):
        report = services.report_build(product=history["product"], period=Period.MONTH, start=MARCH[0], end=MARCH[1])
    page = client.get(OVERVIEW)
    assertContains(page, report.summary)
    assertNotContains(page, "Your requests")


def test_the_overview_runs_a_constant_number_of_queries(
    browser_client, stakeholder, stakeholder_world, product, django_assert_num_queries
):
    from tests.utils import queries_of

    client = browser_client.as_user(stakeholder)
    count = queries_of(lambda: client.get(OVERVIEW))
    for n in range(6):
        StakeholderRequestFactory(product=product, requester=stakeholder, title=f"More {n}", status="new")
    with django_assert_num_queries(count):
        assert client.get(OVERVIEW).status_code == 200
