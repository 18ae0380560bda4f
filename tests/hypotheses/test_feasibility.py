"""Feasibility assessments of epics and hypotheses, with the PM's go / no-go."""

import pytest
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains

from apps.core.exceptions import Conflict
from apps.hypotheses import services
from apps.hypotheses.models import FeasibilityAssessment
from tests.factories import BlockerFactory


@pytest.fixture
def epic(make_item):
    return make_item(title="Personalised ranking", kind="epic")


def test_the_team_assesses_an_epic_and_links_data_access_blockers(epic, member, product, make_item):
    blocker = BlockerFactory(item=make_item(), kind="data_access")
    assessment = services.feasibility_create(
        actor=member,
        product=product,
        epic=epic,
        data_availability="partial",
        data_quality="fair",
        approvals_needed="Privacy review of click logs",
        effort_low=2,
        effort_high=5,
        blockers=[blocker],
    )
    assert (assessment.decision, list(assessment.blockers.all())) == ("pending", [blocker])


def test_only_data_access_blockers_of_the_product_are_linked(epic, member, product, make_item, other_product):
    for blocker in (
        BlockerFactory(item=make_item(), kind="dependency"),
        BlockerFactory(item=make_item(other_product), kind="data_access"),
    ):
        with pytest.raises(ValidationError) as error:
            services.feasibility_create(actor=member, product=product, epic=epic, blockers=[blocker])
        assert "blockers" in error.value.message_dict
    assert not FeasibilityAssessment.objects.exists()


@pytest.mark.parametrize(
    "fields, field", [({"effort_low": 5, "effort_high": 2}, "effort_high"), ({"effort_low": -1}, "effort_low")]
)
def test_a_bad_effort_range_is_refused(epic, member, product, fields, field):
    with pytest.raises(ValidationError) as error:
        services.feasibility_create(actor=member, product=product, epic=epic, **fields)
    assert field in error.value.message_dict


def test_each_epic_or_hypothesis_is_assessed_once_and_only_one_of_them(epic, member, product, testing, make_item):
    services.feasibility_create(actor=member, product=product, epic=epic)
    with pytest.raises(ValidationError, match="assessed already"):
        services.feasibility_create(actor=member, product=product, epic=epic)
    with pytest.raises(ValidationError, match="an epic or a hypothesis"):
        services.feasibility_create(actor=member, product=product, epic=epic, hypothesis=testing)
    with pytest.raises(ValidationError):
        services.feasibility_create(actor=member, product=product, epic=make_item(kind="story"))
    assert services.feasibility_create(actor=member, product=product, hypothesis=testing).hypothesis == testing


def test_the_pm_decides_with_a_reason_and_a_stale_decision_is_refused(epic, member, pm, product):
    assessment = services.feasibility_create(actor=member, product=product, epic=epic)
    with pytest.raises(ValidationError):
        services.feasibility_decide(actor=pm, assessment=assessment, decision="go", reason="", expected_version=1)
    decided = services.feasibility_decide(
        actor=pm, assessment=assessment, decision="no_go", reason="No consent for the data", expected_version=1
    )
    assert (decided.decision, decided.decided_by, decided.decided_on is not None) == ("no_go", pm, True)
    with pytest.raises(Conflict):
        services.feasibility_decide(actor=pm, assessment=assessment, decision="go", reason="x", expected_version=1)


def test_pages_and_api_follow_the_roles(epic, member, pm, stakeholder, product, browser_client, api):
    client = browser_client.as_user(member)
    response = client.post(
        "/p/recommender/hypotheses/feasibility/",
        {"subject": f"#{epic.number}", "data_availability": "available", "data_quality": "good"},
    )
    assessment = FeasibilityAssessment.objects.get()
    assert response.status_code == 302
    assertContains(client.get(assessment.get_absolute_url()), "Personalised ranking")
    url = f"/p/recommender/hypotheses/feasibility/{assessment.pk}/decide/"
    assert client.post(url, {"decision": "go", "decision_reason": "x", "version": 1}).status_code == 403
    assert (
        browser_client.as_user(pm)
        .post(url, {"decision": "go", "decision_reason": "Worth it", "version": 1})
        .status_code
        == 302
    )
    assert browser_client.as_user(stakeholder).get("/p/recommender/hypotheses/feasibility/").status_code == 403
    body = api.as_user(member).get("/api/v1/products/recommender/feasibility/").json()
    assert body["results"][0]["decision"] == "go" and body["results"][0]["epic"] == epic.number


def test_assessing_something_that_is_not_there_is_a_400(member, browser_client, api):
    client = browser_client.as_user(member)
    known = {"data_availability": "unknown", "data_quality": "unknown"}
    response = client.post("/p/recommender/hypotheses/feasibility/", {"subject": "#77", **known})
    assertContains(response, "No epic", status_code=400)
    response = client.post("/p/recommender/hypotheses/feasibility/", {"subject": "H-77", **known})
    assertContains(response, "No hypothesis", status_code=400)
    response = api.as_user(member).post("/api/v1/products/recommender/feasibility/", {"hypothesis": 77}, format="json")
    assert response.status_code == 400
    assert not FeasibilityAssessment.objects.exists()


def test_an_epics_page_links_its_assessment(epic, member, product, browser_client):
    client = browser_client.as_user(member)
    assertContains(client.get(f"/p/recommender/backlog/items/{epic.number}/"), "assess this epic")
    assessment = services.feasibility_create(actor=member, product=product, epic=epic, data_availability="partial")
    response = client.get(f"/p/recommender/backlog/items/{epic.number}/")
    assertContains(response, f'href="/p/recommender/hypotheses/feasibility/{assessment.pk}/"')
    assertContains(response, "data partly available")
