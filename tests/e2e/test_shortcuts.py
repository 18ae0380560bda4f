"""Keyboard shortcuts (static/js/shortcuts.js): j / k through backlog rows and
board cards, c for the backlog's quick add, ? for the list of shortcuts (a
dialog that Escape closes); never while typing or with a modifier key."""

from playwright.sync_api import expect

from apps.backlog.models import BacklogItem
from tests.e2e.test_board_panel import running_sprint
from tests.sprints.conftest import backlog_item


def selected_numbers(page) -> list[str]:
    return page.locator("#backlog-rows tr.kbd-selected").evaluate_all("rows => rows.map(r => r.dataset.number)")


def test_j_and_k_walk_the_backlog_c_opens_quick_add_and_question_mark_lists_the_shortcuts(
    sign_in, member, product, assert_accessible
):
    for number, title in enumerate(["Baseline model", "Feature store", "Drift alerts"], start=1):
        BacklogItem.objects.create(product=product, number=number, rank=number, title=title)
    page = sign_in(member)
    page.goto(f"/p/{product.slug}/backlog/")
    body = page.locator("body")

    body.press("j")
    expect(page.get_by_role("link", name="Baseline model", exact=True)).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.get_by_role("link", name="Drift alerts", exact=True)).to_be_focused()
    page.keyboard.press("j")  # stays on the last row
    assert selected_numbers(page) == ["3"]
    page.keyboard.press("k")
    expect(page.get_by_role("link", name="Feature store", exact=True)).to_be_focused()
    assert selected_numbers(page) == ["2"]

    # Modifier keys and typing leave the selection alone.
    page.keyboard.press("Alt+j")
    page.keyboard.press("Control+k")
    assert selected_numbers(page) == ["2"]
    search = page.get_by_role("searchbox", name="Search", exact=True)
    search.fill("")
    search.press("j")
    search.press("c")
    expect(search).to_have_value("jc")
    expect(search).to_be_focused()
    assert selected_numbers(page) == []  # focus left the row; j in the field selected none

    # c: the quick add, where j and k are letters again.
    page.get_by_role("link", name="Feature store", exact=True).focus()
    page.keyboard.press("c")
    quick_add = page.get_by_label("New item title")
    expect(quick_add).to_be_focused()
    page.keyboard.type("jk model")
    expect(quick_add).to_have_value("jk model")

    # ?: the list of shortcuts, a modal dialog that Escape closes.
    page.get_by_role("link", name="Baseline model", exact=True).focus()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Next / previous backlog row or board card")
    page.keyboard.press("j")  # the dialog is modal: nothing moves behind it
    assert selected_numbers(page) == []
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("link", name="Baseline model", exact=True)).to_be_focused()


def test_j_and_k_walk_the_board_cards(sign_in, pm, scrum_master, product):
    backlog_item(pm, product, "Feature store", 3)
    backlog_item(pm, product, "Ranking model", 5)
    sprint = running_sprint(pm, scrum_master, product, *BacklogItem.objects.order_by("rank"))
    page = sign_in(scrum_master)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"/p/{product.slug}/sprints/{sprint.pk}/board/")
    cards = page.locator(".board-card a.title")
    page.locator("body").press("j")
    expect(cards.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(cards.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(cards.nth(0)).to_be_focused()
    page.keyboard.press("c")  # nothing to create on the board: focus stays
    expect(cards.nth(0)).to_be_focused()


def test_c_opens_a_new_sprint_for_leads_and_does_nothing_for_those_who_may_not(sign_in, scrum_master, member, product):
    page = sign_in(member)
    page.goto(f"/p/{product.slug}/sprints/")
    listed = page.url
    page.locator("body").press("c")
    page.wait_for_timeout(300)  # time for a navigation that must not happen
    assert page.url == listed
    page = sign_in(scrum_master)
    page.goto(f"/p/{product.slug}/sprints/")
    page.locator("body").press("c")
    expect(page.get_by_role("heading", level=1)).to_have_text("New sprint")
    assert page.url.endswith(f"/p/{product.slug}/sprints/new/")
