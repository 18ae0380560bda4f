"""My work, the home page of every role across all products: my items by
status and due date, retro actions I own, surveys waiting for my answer,
requests waiting for my decision and the ones I raised."""

import datetime

from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import BacklogItemFactory, MembershipFactory, ProductFactory, StakeholderRequestFactory
from tests.utils import queries_of


def test_my_items_across_products_by_status_then_due_date(browser_client, product, member):
    second = ProductFactory(name="Insights", slug="insights")
    MembershipFactory(product=second, user=member, role="member")
    today = timezone.localdate()
    BacklogItemFactory(product=product, title="Later work", status="in_progress", assignee=member)
    BacklogItemFactory(
        product=second,
        title="Urgent work",
        status="in_progress",
        assignee=member,
        due_date=today - datetime.timedelta(days=2),
    )
    BacklogItemFactory(product=product, title="Next up", status="ready", assignee=member)
    BacklogItemFactory(product=product, title="Finished", status="done", assignee=member)
    BacklogItemFactory(product=product, title="Someone else's", status="ready")
    response = browser_client.as_user(member).get("/")
    body = response.content.decode()
    assert body.index("Urgent work") < body.index("Later work") < body.index("Next up")
    assertContains(response, "overdue · due")
    assertNotContains(response, "Finished")
    assertNotContains(response, "Someone else&#x27;s")
    assertContains(response, "Insights")


def test_a_pm_sees_requests_waiting_for_a_decision_and_a_stakeholder_their_own(
    browser_client, product, pm, stakeholder, scrum_master
):
    StakeholderRequestFactory(product=product, requester=stakeholder, title="Need churn numbers")
    response = browser_client.as_user(pm).get("/")
    assertContains(response, "Requests waiting for my decision")
    assertContains(response, "Need churn numbers")
    assertNotContains(browser_client.as_user(scrum_master).get("/"), "Requests waiting for my decision")
    response = browser_client.as_user(stakeholder).get("/")
    assertContains(response, "Requests I raised")
    assertContains(response, "Need churn numbers")
    assertNotContains(response, "Items assigned to me"), "a stakeholder has no backlog"


def test_a_stakeholder_sees_an_open_survey_and_answers_it_from_my_work(browser_client, product, pm, stakeholder):
    from apps.reports import services as reports
    from tests.reports.conftest import make_survey

    survey = make_survey(product, pm, title="Platform happiness", audience="stakeholders")
    round_ = reports.round_open(survey=survey, actor=pm)
    client = browser_client.as_user(stakeholder)
    response = client.get("/")
    assertContains(response, "Surveys waiting for my answer")
    answer_link = f"/p/recommender/reports/rounds/{round_.pk}/answer/"
    assertContains(response, answer_link)
    assert client.get(answer_link)["Location"] == "/p/recommender/reports/answer/"
    assert client.get("/p/recommender/reports/answer/").status_code == 200
    assertNotContains(browser_client.as_user(pm).get("/"), "Platform happiness"), "the PM is not in the audience"


def test_my_products_and_the_products_page_stay_reachable(browser_client, product, stakeholder):
    response = browser_client.as_user(stakeholder).get("/")
    assertContains(response, 'aria-label="My products"')
    mine = response.content.decode().split('aria-label="My products"')[1]
    assert '<a href="/p/recommender/">Recommender</a>' in mine
    assert '<span class="badge role-stakeholder">Stakeholder</span>' in mine
    assertContains(response, 'href="/products/"')
    assertContains(browser_client.get("/products/"), "Recommender")


def test_my_work_runs_the_same_number_of_queries_however_much_work(
    browser_client, product, pm, stakeholder, django_assert_num_queries
):
    client = browser_client.as_user(pm)
    BacklogItemFactory(product=product, status="ready", assignee=pm)
    StakeholderRequestFactory(product=product, requester=stakeholder)
    few = queries_of(lambda: client.get("/"))
    for _ in range(3):
        other = ProductFactory()
        MembershipFactory(product=other, user=pm, role="pm")
        BacklogItemFactory.create_batch(5, product=other, status="in_progress", assignee=pm)
        StakeholderRequestFactory.create_batch(3, product=other, requester=stakeholder)
    with django_assert_num_queries(few):
        assert client.get("/").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/")["Location"].startswith("/accounts/login/")
