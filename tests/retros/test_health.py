"""The team health check over time: a grid per sprint with trend arrows, a
chart with its table, dimensions a product edits, and the section of the
happiness report that shows it."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.reports import services as reports
from apps.retros import selectors, services
from apps.retros.models import HealthCheck, HealthDimension
from tests.factories import MembershipFactory, UserFactory
from tests.reports.conftest import answer_round, make_survey
from tests.retros.conftest import MONDAY, to_phase
from tests.utils import queries_of


def crowd(product, count=5):
    return [MembershipFactory(product=product, role=Role.TEAM_MEMBER, user=UserFactory()).user for _ in range(count)]


def checked_retro(product, make_sprint, make_retro, scrum_master, n, colours):
    """A closed retro whose health check got one answer per colour (each dimension alike)."""
    retro = make_retro(make_sprint(product, f"Sprint {n}", start=MONDAY + datetime.timedelta(days=14 * n)))
    check = HealthCheck.objects.get(retro=retro)
    for person, colour in zip(crowd(product, len(colours)), colours, strict=True):
        services.health_answer(actor=person, check=check, ratings={d["id"]: (colour, "") for d in check.dimensions})
    to_phase(retro, "closed", scrum_master)
    return retro


@pytest.fixture
def two_checks(product, make_sprint, make_retro, scrum_master):
    first = checked_retro(product, make_sprint, make_retro, scrum_master, 1, ["red", "red", "red", "amber", "green"])
    second = checked_retro(product, make_sprint, make_retro, scrum_master, 2, ["green"] * 4 + ["amber"])
    return first, second


def test_the_grid_scores_colours_and_trends(two_checks, product):
    trend = selectors.health_trend(product)
    assert [c["label"] for c in trend["checks"]] == ["Sprint 1", "Sprint 2"]
    fun = next(d for d in trend["dimensions"] if d["name"] == "Fun")
    before, after = fun["cells"]
    assert (before["score"], before["colour"], before["trend"]) == (30, "red", "")
    assert (after["score"], after["colour"], after["trend"]) == (90, "green", "up")
    assert (after["green"], after["amber"], after["red"]) == (4, 1, 0)


def test_a_check_below_its_minimum_is_a_column_without_figures(product, make_sprint, make_retro, scrum_master):
    checked_retro(product, make_sprint, make_retro, scrum_master, 1, ["green"] * 5)
    checked_retro(product, make_sprint, make_retro, scrum_master, 2, ["red"] * 3)
    third = checked_retro(product, make_sprint, make_retro, scrum_master, 3, ["amber"] * 5)
    trend = selectors.health_trend(product)
    assert [c["enough"] for c in trend["checks"]] == [True, False, True]
    fun = next(d for d in trend["dimensions"] if d["name"] == "Fun")
    assert fun["cells"][1] is None
    # The trend skips the check that shows nothing: compared with the one before it.
    assert fun["cells"][2]["trend"] == "down"
    summary = selectors.retro_summary(third)
    assert summary["health"]["enough"] and summary["health"]["rows"][0]["trend"] == "down"


def test_an_edited_dimension_set_applies_to_the_next_checks(product, scrum_master, make_sprint, make_retro):
    services.dimensions_of(product)
    services.dimension_add(actor=scrum_master, product=product, name="Data access", green="We get data in a day.")
    fun = HealthDimension.objects.get(product=product, name="Fun")
    services.dimension_update(actor=scrum_master, dimension=fun, active=False)
    retro = make_retro(make_sprint(product, "Sprint 1"))
    names = [d["name"] for d in HealthCheck.objects.get(retro=retro).dimensions]
    assert "Data access" in names and "Fun" not in names


def test_the_health_page_and_chart_data(browser_client, member, two_checks, product):
    client = browser_client.as_user(member)
    page = client.get(reverse("retros:health-trend", args=[product.slug])).content.decode()
    assert "data-health-chart" in page and "Team health by sprint" in page and "▲" in page
    data = client.get(reverse("retros:health-trend-json", args=[product.slug])).json()
    assert len(data["checks"]) == 2 and data["dimensions"][0]["cells"][1]["trend"] == "up"


def test_health_pages_queries_do_not_grow_with_checks(
    browser_client, django_assert_num_queries, member, product, make_sprint, make_retro, scrum_master
):
    first = checked_retro(product, make_sprint, make_retro, scrum_master, 1, ["green"] * 5)
    client = browser_client.as_user(member)
    pages = [
        reverse("retros:health-trend", args=[product.slug]),
        reverse("retros:health", args=[product.slug, first.pk]),
    ]
    counts = {address: queries_of(lambda address=address: client.get(address)) for address in pages}
    for n in range(2, 5):
        checked_retro(product, make_sprint, make_retro, scrum_master, n, ["amber"] * 6)
    for address, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(address).status_code == 200


def test_the_happiness_report_shows_the_teams_health(
    browser_client, pm, member, stakeholder, two_checks, product, django_capture_on_commit_callbacks
):
    survey = make_survey(product, pm)
    with django_capture_on_commit_callbacks(execute=True):
        round_ = reports.round_open(survey=survey)
    answer_round(round_, [(4, 9)] * 5)
    with django_capture_on_commit_callbacks(execute=True):
        reports.round_close(round_=round_)
    page = browser_client.as_user(member).get(reverse("reports:report", args=[product.slug, round_.pk]))
    body = page.content.decode()
    assert "The team&#x27;s health (retrospectives)" in body or "The team's health (retrospectives)" in body
    assert "Team health by sprint" in body and "Sprint 2" in body
