"""The PM's backlog journey in a real browser: add items, drag one to the
top and see the order survive a reload, label and filter, groom an item ready."""

import re

from playwright.sync_api import expect

from apps.backlog.models import BacklogItem
from tests.factories import LabelFactory


def titles(page) -> list[str]:
    return [text.strip() for text in page.locator("#backlog-rows tr[data-number] td.title > a").all_inner_texts()]


def test_pm_builds_orders_filters_and_grooms_the_backlog(sign_in, pm, product):
    LabelFactory(product=product, name="ml", color="#3657c9")
    page = sign_in(pm)
    page.goto(f"/p/{product.slug}/")
    page.get_by_role("link", name="Backlog", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Backlog")

    for title in ["Baseline model", "Feature store", "Drift alerts"]:
        page.get_by_label("New item title").fill(title)
        page.get_by_label("New item title").press("Enter")
        expect(page.locator("#backlog-rows")).to_contain_text(title)
    assert titles(page) == ["Baseline model", "Feature store", "Drift alerts"]

    # Drag the last item onto the first row's place.
    last = page.locator("#backlog-rows tr[data-number]").nth(2)
    first = page.locator("#backlog-rows tr[data-number]").nth(0)
    with page.expect_response(re.compile(r"/move/$")) as moved:
        last.locator(".drag").drag_to(first, target_position={"x": 20, "y": 2})
    assert moved.value.status == 204
    page.reload()
    assert titles(page) == ["Drift alerts", "Baseline model", "Feature store"]

    # The keyboard alternative: move "Feature store" up one place.
    number = BacklogItem.objects.get(title="Feature store").number
    with page.expect_response(re.compile(r"/move/$")):
        page.get_by_role("button", name=f"Move #{number} up").click()
    page.reload()
    assert titles(page) == ["Drift alerts", "Feature store", "Baseline model"]

    # Label two items in bulk, then filter by the label.
    for title in ["Baseline model", "Drift alerts"]:
        item = BacklogItem.objects.get(title=title)
        page.get_by_label(f"Select #{item.number}").check()
    page.get_by_label("Bulk action", exact=True).select_option("add_label")
    page.get_by_label("Bulk label").select_option(label="ml")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status").first).to_contain_text("Updated 2 items")
    page.get_by_label("Label", exact=True).select_option("ml")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"label=ml"))
    assert titles(page) == ["Drift alerts", "Baseline model"]

    # Grooming: complete the top item and mark it ready.
    page.get_by_role("link", name="Grooming").click()
    card = page.get_by_role("article", name=re.compile("Drift alerts"))
    expect(card).to_contain_text("Missing: acceptance criteria and an estimate")
    card.get_by_label("New acceptance criteria").fill("Alert within 1 h of a PSI above 0.2")
    card.get_by_label("Points").fill("5")
    card.get_by_label("Mark ready").check()
    card.get_by_role("button", name="Save").click()
    expect(page.get_by_role("article", name=re.compile("Drift alerts"))).to_contain_text("Ready ✓")
    assert BacklogItem.objects.get(title="Drift alerts").status == BacklogItem.Status.READY


def test_a_refused_inline_edit_shows_the_reason_in_the_row(sign_in, member, product):
    BacklogItem.objects.create(product=product, number=1, rank=1, title="Churn model", status="in_progress")
    page = sign_in(member)
    page.goto(f"/p/{product.slug}/backlog/")
    BacklogItem.objects.filter(number=1).update(version=2)  # someone else saved it meanwhile
    page.get_by_label("Status of #1").select_option("in_review")
    expect(page.locator("#item-1")).to_contain_text("changed by someone else")
    expect(page.get_by_label("Move #1 up")).to_have_count(0)  # members do not reorder


def test_the_first_item_added_replaces_the_empty_note(sign_in, member, product):
    page = sign_in(member)
    page.goto(f"/p/{product.slug}/backlog/")
    expect(page.get_by_text("The backlog is empty")).to_be_visible()
    page.get_by_label("New item title").fill("Label the gold set")
    page.get_by_label("New item title").press("Enter")
    expect(page.locator("#backlog-rows")).to_contain_text("Label the gold set")
    expect(page.get_by_text("The backlog is empty")).to_have_count(0)


def test_quick_add_leaves_the_form_ready_for_the_next_title(sign_in, member, product):
    page = sign_in(member)
    page.goto(f"/p/{product.slug}/backlog/")
    title = page.get_by_label("New item title")
    title.fill("Drift alerts")
    title.press("Enter")
    expect(page.locator("#backlog-rows")).to_contain_text("Drift alerts")
    expect(title).to_have_value("")
    expect(title).to_be_focused()


def test_a_team_member_gets_a_bulk_bar_of_her_own_changes_and_a_live_item_count(
    sign_in, member, product, make_item, assert_accessible
):
    make_item(title="Churn model")
    page = sign_in(member)
    page.goto(f"/p/{product.slug}/backlog/")
    action = page.get_by_label("Bulk action", exact=True)
    expect(action.locator("option")).to_have_text(["Set status", "Assign to"])  # no "Move to top"
    expect(page.get_by_label("Bulk status")).to_be_visible()
    expect(page.get_by_label("Bulk assignee")).to_be_hidden()
    action.select_option("assignee")
    expect(page.get_by_label("Bulk status")).to_be_hidden()
    expect(page.get_by_label("Bulk assignee")).to_be_visible()
    expect(page.get_by_label("Bulk label")).to_have_count(0)

    expect(page.locator("#backlog-count")).to_have_text("1 item")
    page.get_by_label("New item title").fill("Drift alerts")
    page.get_by_label("New item title").press("Enter")
    expect(page.locator("#backlog-count")).to_have_text("2 items")
    assert_accessible(page)


def test_the_item_pages_readiness_line_follows_a_new_criterion(sign_in, pm, product, make_item, assert_accessible):
    item = make_item(title="Churn model", points=3)
    page = sign_in(pm)
    page.goto(f"/p/{product.slug}/backlog/items/{item.number}/")
    readiness = page.locator("#readiness")
    expect(readiness).to_contain_text("no acceptance criteria")
    page.get_by_label("New acceptance criterion").fill("AUC of at least 0.8")
    page.get_by_label("New acceptance criterion").press("Enter")
    expect(page.locator("#criteria-list")).to_contain_text("AUC of at least 0.8")
    expect(readiness).to_contain_text("it may be marked ready")
    assert_accessible(page)
