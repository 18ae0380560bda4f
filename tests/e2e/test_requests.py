"""Browser journey of a stakeholder request: submitted with a similar one
suggested, accepted by the PM into the backlog, followed by the requester
until it is planned, with the decision emailed."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from apps.requests.models import StakeholderRequest
from apps.sprints import services as sprints
from tests.factories import MembershipFactory, StakeholderRequestFactory


def test_a_request_from_submission_to_a_planned_delivery(sign_in, pm, stakeholder, product):
    colleague = MembershipFactory(product=product, role="stakeholder").user
    similar = StakeholderRequestFactory(
        product=product, requester=colleague, number=1, title="Churn forecast is wrong in holiday weeks"
    )

    page = sign_in(stakeholder)
    page.goto(f"/p/{product.slug}/")
    page.get_by_role("link", name="Requests", exact=True).click()
    page.get_by_role("link", name="Submit a request").click()
    page.get_by_label("The problem in one line").fill("Churn forecast misses holiday weeks")
    suggestions = page.get_by_role("complementary", name="Similar requests")
    expect(suggestions).to_contain_text(similar.title)
    expect(suggestions.get_by_role("button", name=re.compile("This is my problem too"))).to_be_visible()

    page.get_by_label("Problem", exact=True).fill("In December the churn forecast is off by **30%**.")
    page.get_by_label("Who has this problem").fill("Retention planners")
    page.get_by_label("Desired outcome").fill("Forecast error below 5% in holiday weeks.")
    page.get_by_role("button", name="Submit request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("R-2 Churn forecast misses holiday weeks")
    expect(page.get_by_test_id("request-status")).to_have_text("New")
    expect(page.get_by_test_id("expected-delivery")).to_have_text("Not decided yet")

    page = sign_in(pm)
    page.goto("/requests/inbox/")
    inbox = page.get_by_role("table", name="Requests to triage")
    expect(inbox).to_contain_text("0 working days")
    inbox.get_by_role("link", name=re.compile("R-2")).click()
    page.get_by_text("Accept into the backlog").click()
    page.get_by_label("Note to the requester").first.fill("We will look at holiday effects next.")
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("R-2 accepted")
    expect(page.get_by_test_id("request-status")).to_have_text("Accepted")

    accepted = StakeholderRequest.objects.get(number=2)
    assert [email.subject for email in mail.outbox] == ["[Recommender] R-2 was accepted"]
    assert mail.outbox[0].to == [stakeholder.email]

    page = sign_in(stakeholder)
    page.goto("/requests/mine/")
    mine = page.get_by_role("table", name="My requests")
    expect(mine).to_contain_text("Accepted")
    expect(mine).to_contain_text("We will look at holiday effects next.")
    expect(mine).to_contain_text("not yet planned")

    end = timezone.localdate() + timedelta(days=13)
    sprint = sprints.sprint_create(
        actor=pm, product=product, name="Sprint 7", start_date=end - timedelta(days=13), end_date=end
    )
    sprints.sprint_item_add(actor=pm, sprint=sprint, item=accepted.backlog_item)
    page.reload()
    expect(mine).to_contain_text("(Sprint 7)")
    mine.get_by_role("link", name=re.compile("R-2")).click()
    expect(page.get_by_test_id("expected-delivery")).to_contain_text("Sprint 7")


def test_this_is_my_problem_too_from_a_suggestion(sign_in, stakeholder, product):
    colleague = MembershipFactory(product=product, role="stakeholder").user
    similar = StakeholderRequestFactory(product=product, requester=colleague, title="Dashboard exports cut the legend")

    page = sign_in(stakeholder)
    page.goto(f"/p/{product.slug}/requests/new/")
    page.get_by_label("The problem in one line").fill("exports cut legend")
    suggestions = page.get_by_role("complementary", name="Similar requests")
    suggestions.get_by_role("button", name=re.compile("This is my problem too")).click()
    expect(suggestions.get_by_role("button", name=re.compile(r"this is my problem too \(1\)"))).to_be_visible()
    assert similar.votes.filter(user=stakeholder).exists()
    assert similar.watchers.filter(user=stakeholder).exists()


def test_the_pm_finds_the_item_to_link_by_typing_part_of_its_title(
    sign_in, pm, stakeholder, product, assert_accessible
):
    from apps.backlog import services as backlog

    churn = backlog.item_create(actor=pm, product=product, title="Churn model for holiday weeks")
    backlog.item_create(actor=pm, product=product, title="Feature store")
    wish = StakeholderRequestFactory(product=product, requester=stakeholder, title="Holiday weeks are off")
    page = sign_in(pm)
    page.goto(wish.get_absolute_url())
    page.get_by_text("Accept into the backlog").click()
    picker = page.get_by_role("combobox", name="Link an existing backlog item")
    picker.press_sequentially("holi")
    suggestion = page.locator(f'#backlog-item-choices option[value="{churn.number}"]')
    expect(suggestion).to_have_count(1)
    expect(page.locator("#backlog-item-choices")).not_to_contain_text("Feature store")
    assert_accessible(page)
    picker.fill(suggestion.get_attribute("value"))
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_test_id("request-status")).to_have_text("Accepted")
    expect(page.get_by_role("link", name=re.compile("Churn model for holiday weeks"))).to_be_visible()
    wish.refresh_from_db()
    assert wish.backlog_item == churn
