"""Working together in a browser: a team member mentions a colleague in a
comment; the colleague's bell counts it, the notification leads to the item,
and search finds the item again. A stakeholder answers an open survey from
My work."""

import re

from django.test import Client
from playwright.sync_api import expect

from apps.backlog import services as backlog
from apps.reports import services as reports
from tests.reports.conftest import make_survey


def signed_in_page(browser, live_server, user):
    """A second browser (its own cookies and session) signed in as `user`."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context.new_page()


def test_a_mention_rings_the_colleagues_bell_leads_to_the_item_and_search_finds_it(
    browser, live_server, sign_in, pm, member, scrum_master, product
):
    item = backlog.item_create(actor=pm, product=product, title="Churn model for holiday weeks")

    # The colleague has My work open; the bell says nothing is unread.
    colleague = signed_in_page(browser, live_server, scrum_master)
    colleague.clock.install()
    colleague.goto("/")
    expect(colleague.get_by_test_id("bell-count")).to_have_text("0")

    # A team member mentions the colleague, choosing her from the autocomplete.
    page = sign_in(member)
    page.goto(f"/p/recommender/backlog/items/{item.number}/")
    box = page.get_by_label("Add a comment")
    box.type("Could you check the holdout split, @scr")
    suggestions = page.get_by_role("listbox", name="People to mention")
    expect(suggestions).to_contain_text("@scrum")
    expect(suggestions).not_to_contain_text("@stakeholder")
    box.press("Enter")
    expect(box).to_have_value("Could you check the holdout split, @scrum ")
    box.type("before Friday?")
    page.get_by_role("button", name="Comment").click()
    thread = page.get_by_role("list", name="Comments")
    expect(thread).to_contain_text("Could you check the holdout split, @scrum before Friday?")

    # The colleague's bell goes up by itself (it asks again every minute).
    colleague.clock.fast_forward("01:05")
    expect(colleague.get_by_test_id("bell-count")).to_have_text("1")
    colleague.get_by_test_id("bell").click()
    colleague.get_by_role("link", name=re.compile(r"mentioned you on #\d+ Churn model for holiday weeks")).click()
    expect(colleague).to_have_url(re.compile(rf"/p/recommender/backlog/items/{item.number}/#comment-\d+$"))
    expect(colleague.get_by_role("heading", level=1)).to_contain_text("Churn model for holiday weeks")
    expect(colleague.get_by_role("list", name="Comments")).to_contain_text("before Friday?")
    expect(colleague.get_by_test_id("bell-count")).to_have_text("0")

    # Later she finds it again through search: "/" puts the cursor in the search box.
    colleague.goto("/")
    colleague.keyboard.press("/")
    expect(colleague.get_by_role("searchbox", name="Search all my products").first).to_be_focused()
    colleague.keyboard.type("holiday churn")
    colleague.keyboard.press("Enter")
    results = colleague.get_by_role("list", name="Search results")
    results.get_by_role("link", name=re.compile("Churn model for holiday weeks")).click()
    expect(colleague).to_have_url(re.compile(rf"/p/recommender/backlog/items/{item.number}/$"))
    colleague.context.close()


def test_a_stakeholder_answers_an_open_survey_from_my_work(sign_in, pm, stakeholder, product):
    survey = make_survey(product, pm, title="Platform happiness", audience="stakeholders")
    reports.round_open(survey=survey, actor=pm)

    page = sign_in(stakeholder)
    page.goto("/")
    surveys = page.get_by_role("region", name="Surveys waiting for my answer")
    surveys.get_by_role("link", name="Answer “Platform happiness”").click()
    expect(page).to_have_url(re.compile(r"/p/recommender/reports/answer/$"))
    page.get_by_role("radio", name="4 · Happy", exact=True).check()
    page.get_by_role("radio", name="9", exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    page.goto("/")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_role("region", name="Surveys waiting for my answer")).to_have_count(0)
