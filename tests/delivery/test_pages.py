"""Delivery pages and API: who sees what (both ways), bad input, downloads and query counts."""

import datetime

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from apps.delivery import services
from apps.delivery.models import DeliveryReport, Period
from tests.delivery.conftest import APRIL, on
from tests.factories import BlockerFactory, ProductFactory, SprintFactory, StakeholderRequestFactory
from tests.utils import queries_of

BASE = "/p/recommender/delivery/"
API = "/api/v1/products/recommender/"
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def report(history):
    with on(APRIL):
        return services.report_build(product=history["product"], period=Period.MONTH, start=MARCH[0], end=MARCH[1])


def team_pages(report):
    url = f"{BASE}reports/{report.pk}/"
    return [BASE, url, f"{url}report.pdf", f"{url}report.html", f"{BASE}dashboard/", f"{BASE}compare/"]


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member"], indirect=True)
def test_the_team_sees_reports_dashboard_and_downloads(browser_client, persona, report):
    client = browser_client.as_user(persona)
    for url in team_pages(report):
        assert client.get(url).status_code == 200, url


def test_stakeholders_see_no_report_and_no_dashboard(browser_client, stakeholder, report):
    client = browser_client.as_user(stakeholder)
    for url in team_pages(report):
        assert client.get(url).status_code == 403, url
    assertNotContains(client.get("/p/recommender/"), f'href="{BASE}"')


def test_outsiders_get_404(browser_client, outsider, report):
    client = browser_client.as_user(outsider)
    for url in team_pages(report):
        assert client.get(url).status_code == 404, url


def test_a_report_of_another_product_is_404(browser_client, pm, report, other_product):
    foreign = DeliveryReport.objects.create(
        product=other_product, period="month", start=MARCH[0], end=MARCH[1], built_at=report.built_at
    )
    assert browser_client.as_user(pm).get(f"{BASE}reports/{foreign.pk}/").status_code == 404


def test_the_report_page_shows_every_section(browser_client, member, report):
    page = browser_client.as_user(member).get(f"{BASE}reports/{report.pk}/")
    for text in (
        "Delivered 11 of 18 committed points",
        "Sprint by sprint",
        "Cumulative flow",
        "Science",
        "Blockers",
        "Stakeholder requests",
        "Roadmap",
        "Team",
        'data-delivery-chart="sprints"',
    ):
        assertContains(page, text)


def test_downloads(browser_client, member, report):
    client = browser_client.as_user(member)
    pdf = client.get(f"{BASE}reports/{report.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    html = client.get(f"{BASE}reports/{report.pk}/report.html")
    assert "attachment" in html["Content-Disposition"]
    assert b"Delivered 11 of 18 committed points" in html.content


def test_an_empty_product_gets_a_helpful_page(browser_client, pm, product):
    client = browser_client.as_user(pm)
    home = client.get(BASE)
    assertContains(home, "has no sprint yet, so there is nothing to report on")
    assertContains(client.get(f"{BASE}dashboard/"), "has no sprint yet")
    assert client.get(f"{BASE}compare/").status_code == 200


@pytest.mark.parametrize(
    "query, status",
    [("?a=abc&b=1", 400), ("?a=1", 400), ("?a=-3&b=2", 400), ("?a=99999999999999999999&b=1", 404)],
)
def test_bad_compare_input_is_a_400_or_404_never_a_500(browser_client, pm, report, query, status):
    assert browser_client.as_user(pm).get(f"{BASE}compare/{query}").status_code == status


def test_compare_puts_two_periods_side_by_side(browser_client, pm, history, report):
    with on(APRIL):
        sprint_report = services.sprint_report_build(sprint=history["sprint"])
    page = browser_client.as_user(pm).get(f"{BASE}compare/?a={report.pk}&b={sprint_report.pk}")
    assertContains(page, "Side by side")
    assertContains(page, "March 2026")
    assert browser_client.get(f"{BASE}compare/?a={report.pk}&b=987654").status_code == 404


def test_only_the_pm_publishes_builds_and_sets_the_cadence(browser_client, member, pm, report):
    client = browser_client.as_user(member)
    for url, data in (
        (f"{BASE}reports/{report.pk}/publish/", {"published": "1"}),
        (f"{BASE}reports/{report.pk}/rebuild/", {}),
        (f"{BASE}settings/", {"monthly": "on"}),
        (f"{BASE}build/", {"month": "2026-03"}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert DeliveryReport.objects.get().published_at is None
    client = browser_client.as_user(pm)
    assert client.post(f"{BASE}reports/{report.pk}/publish/", {"published": "1", "version": 1}).status_code == 302
    assert DeliveryReport.objects.get().published_summary == report.summary


def test_a_stale_publish_is_a_409(browser_client, pm, report):
    client = browser_client.as_user(pm)
    client.post(f"{BASE}reports/{report.pk}/publish/", {"published": "1", "version": 1})
    assert client.post(f"{BASE}reports/{report.pk}/publish/", {"published": "0", "version": 1}).status_code == 409


@pytest.mark.parametrize("month", ["", "march", "2026-13", "2999-01"])
def test_a_bad_month_is_a_form_error(browser_client, pm, product, month, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_client.as_user(pm).post(f"{BASE}build/", {"month": month})
    assert response.status_code == 400
    assert not DeliveryReport.objects.exists()


def test_the_pm_builds_a_month_from_the_page(browser_client, pm, history, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_client.as_user(pm).post(f"{BASE}build/", {"month": "2026-03"})
    assert response.status_code == 302
    assert DeliveryReport.objects.get().start == MARCH[0]


def test_the_cadence_form_saves(browser_client, pm, product):
    response = browser_client.as_user(pm).post(f"{BASE}settings/", {"after_sprint_close": "on"})
    assert response.status_code == 302
    assertContains(browser_client.get(BASE), "no monthly report (paused), and after every sprint close")


def test_anyone_on_the_team_subscribes(browser_client, member, product):
    client = browser_client.as_user(member)
    client.post(f"{BASE}subscription/", {"subscribed": "1"})
    assertContains(client.get(BASE), "Stop emailing me reports")
    assert browser_client.as_user(member).post(f"{BASE}subscription/", {"subscribed": "0"}).status_code == 302


# --- query counts ----------------------------------------------------------------


def _grow(product, n):
    sprints = [SprintFactory(product=product, name=f"S{i}", status="closed") for i in range(n)]
    for _ in range(n):
        BlockerFactory(item__product=product)
        StakeholderRequestFactory(product=product)
    return sprints


def test_the_dashboard_runs_a_constant_number_of_queries(browser_client, pm, product, django_assert_num_queries):
    client = browser_client.as_user(pm)
    _grow(product, 2)
    count = queries_of(lambda: client.get(f"{BASE}dashboard/"))
    _grow(product, 12)
    with django_assert_num_queries(count):
        assert client.get(f"{BASE}dashboard/").status_code == 200


def test_the_history_runs_a_constant_number_of_queries(browser_client, pm, product, django_assert_num_queries):
    client = browser_client.as_user(pm)

    def reports(n, offset):
        for i in range(n):
            start = datetime.date(2020 + offset, 1, 1) + datetime.timedelta(days=40 * i)
            DeliveryReport.objects.create(
                product=product, period="month", start=start, end=start, built_at=APRIL, summary="x"
            )

    reports(2, 0)
    count = queries_of(lambda: client.get(BASE))
    reports(10, 3)
    with django_assert_num_queries(count):
        assert client.get(BASE).status_code == 200


def test_the_portfolio_runs_a_constant_number_of_queries(browser_client, pm, product, django_assert_num_queries):
    from tests.factories import MembershipFactory

    client = browser_client.as_user(pm)

    def products(n):
        for _ in range(n):
            other = ProductFactory()
            MembershipFactory(product=other, user=pm, role="pm")
            DeliveryReport.objects.create(product=other, period="month", start=MARCH[0], end=MARCH[1], built_at=APRIL)
        pm.__dict__.pop("_product_roles", None)

    products(1)
    count = queries_of(lambda: client.get("/portfolio/"))
    products(5)
    with django_assert_num_queries(count):
        assert client.get("/portfolio/").status_code == 200


def test_the_portfolio_shows_each_product_with_its_headline(browser_client, pm, report):
    page = browser_client.as_user(pm).get("/portfolio/")
    assertContains(page, "March 2026")
    assertContains(page, "18 → 11")


# --- API -------------------------------------------------------------------------


def test_the_api_lists_and_reads_reports_for_the_team(api, member, report):
    client = api.as_user(member)
    listed = client.get(f"{API}delivery-reports/?period=month").json()
    assert [row["id"] for row in listed["results"]] == [report.pk]
    detail = client.get(f"{API}delivery-reports/{report.pk}/").json()
    assert detail["figures"]["sprints"]["committed"] == 18
    assert client.get(f"{API}delivery-reports/?ends_after=not-a-date").status_code == 400


def test_the_api_refuses_stakeholders_and_outsiders(api, stakeholder, outsider, report):
    assert api.as_user(stakeholder).get(f"{API}delivery-reports/").status_code == 403
    assert api.as_user(outsider).get(f"{API}delivery-reports/").status_code == 404


def test_the_pm_publishes_through_the_api_and_stakeholders_read_the_summary(api, pm, stakeholder, member, report):
    assert api.as_user(stakeholder).get(f"{API}delivery-summary/").status_code == 404
    assert (
        api.as_user(member)
        .post(f"{API}delivery-reports/{report.pk}/publish/", {"published": True, "version": 1})
        .status_code
        == 403
    )
    assert api.as_user(pm).post(f"{API}delivery-reports/{report.pk}/publish/", {"published": "x"}).status_code == 400
    response = api.as_user(pm).post(f"{API}delivery-reports/{report.pk}/publish/", {"published": True, "version": 1})
    assert response.status_code == 200
    assert (
        api.as_user(pm)
        .post(f"{API}delivery-reports/{report.pk}/publish/", {"published": False, "version": 1})
        .status_code
        == 409
    )
    summary = api.as_user(stakeholder).get(f"{API}delivery-summary/").json()
    assert summary["summary"] == report.summary
    assert "figures" not in summary
