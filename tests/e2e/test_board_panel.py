"""The board a scrum master runs the sprint on: cards open in a side panel
beside the board and close back to it (focus where it was), cards move from
the keyboard and keep the focus, column counts and work-in-progress limits
follow every move without a reload."""

import datetime

from playwright.sync_api import expect

from apps.backlog.models import BacklogItem
from apps.sprints import services
from tests.e2e.test_sprints import column, drag
from tests.sprints.conftest import MONDAY, backlog_item


def running_sprint(pm, scrum_master, product, *items):
    sprint = services.sprint_create(
        actor=scrum_master,
        product=product,
        name="Sprint 1",
        start_date=MONDAY,
        end_date=MONDAY + datetime.timedelta(13),
    )
    for item in items:
        services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
    return services.sprint_start(actor=scrum_master, sprint=sprint)


def test_a_scrum_master_opens_a_card_in_the_side_panel_and_comes_back_to_the_board(
    sign_in, pm, scrum_master, product, assert_accessible
):
    features = backlog_item(pm, product, "Feature store", 3, description="Offline and online features.")
    backlog_item(pm, product, "Ranking model", 5)
    sprint = running_sprint(pm, scrum_master, product, *BacklogItem.objects.all())
    page = sign_in(scrum_master)
    page.set_viewport_size({"width": 1400, "height": 1000})
    board_url = f"/p/{product.slug}/sprints/{sprint.pk}/board/"
    page.goto(board_url)

    card_link = page.get_by_role("link", name=f"#{features.number} Feature store")
    expect(card_link).to_have_attribute(
        "href", f"/p/{product.slug}/backlog/items/{features.number}/"
    )  # no JS: the page
    card_link.click()
    panel = page.get_by_role("dialog", name=f"#{features.number} Feature store")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Offline and online features.")
    expect(panel.get_by_role("heading", name=f"#{features.number} Feature store")).to_be_focused()
    expect(page).to_have_url(board_url)  # still on the board, which is still there
    expect(column(page, "Ready")).to_contain_text("Ranking model")
    assert_accessible(page)

    # The panel works like the item page: tick a criterion there.
    panel.get_by_role("checkbox", name="It works").click()
    expect(panel.get_by_role("checkbox", name="It works")).to_have_attribute("aria-checked", "true")

    panel.get_by_role("button", name="Close the item panel").click()
    expect(panel).to_be_hidden()
    expect(card_link).to_be_focused()

    # Escape closes it too, and so does the browser's Back, without leaving the board.
    card_link.press("Enter")
    expect(panel).to_be_visible()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(card_link).to_be_focused()
    card_link.click()
    expect(panel).to_be_visible()
    page.go_back()
    expect(panel).to_be_hidden()
    expect(page).to_have_url(board_url)
    expect(column(page, "Ready")).to_contain_text("Feature store")


def test_a_card_moved_from_the_keyboard_keeps_the_focus_and_the_counts_follow(
    sign_in, pm, scrum_master, product, assert_accessible
):
    features = backlog_item(pm, product, "Feature store", 3)
    backlog_item(pm, product, "Ranking model", 5, status=BacklogItem.Status.IN_PROGRESS)
    sprint = running_sprint(pm, scrum_master, product, *BacklogItem.objects.all())
    services.wip_limits_set(actor=scrum_master, product=product, limits={"in_progress": 1})
    page = sign_in(scrum_master)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"/p/{product.slug}/sprints/{sprint.pk}/board/")
    limits = page.locator("#wip-status")
    expect(limits).to_contain_text("In progress: 1 of at most 1")
    expect(limits.get_by_text("over the limit")).to_be_hidden()

    page.get_by_text("Move a card without dragging").click()
    page.get_by_label("Card").select_option(label=f"#{features.number} Feature store (Ready)")
    page.get_by_label("to", exact=True).select_option("in_progress")
    page.get_by_role("button", name="Move", exact=True).click()

    moved = page.get_by_role("link", name=f"#{features.number} Feature store")
    expect(moved).to_be_focused()
    expect(column(page, "In progress")).to_contain_text("Feature store")
    expect(page.locator('.board-column[data-status="in_progress"] .column-count')).to_have_text("2")
    expect(page.locator('.board-column[data-status="ready"] .column-count')).to_have_text("0")
    expect(limits).to_contain_text("In progress: 2 of at most 1")
    expect(limits.get_by_text("over the limit")).to_be_visible()
    expect(page.locator('.board-column[data-status="in_progress"]').get_by_text("over limit")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="is now in progress")).to_be_visible()
    assert_accessible(page)

    # A drag recounts too: back under the limit.
    drag(page, column(page, "In progress").locator("li", has_text="Ranking model"), column(page, "In review"))
    expect(column(page, "In review").locator('li[data-status="in_review"]')).to_contain_text("Ranking model")
    expect(page.locator('.board-column[data-status="in_progress"] .column-count')).to_have_text("1")
    expect(page.locator('.board-column[data-status="in_review"] .column-count')).to_have_text("1")
    expect(limits).to_contain_text("In progress: 1 of at most 1")
    expect(limits.get_by_text("over the limit")).to_be_hidden()


def test_planning_cards_and_sprint_rows_open_in_the_side_panel(sign_in, pm, scrum_master, product):
    planned = backlog_item(pm, product, "Feature store", 3)
    waiting = backlog_item(pm, product, "Ranking model", 5)
    sprint = services.sprint_create(
        actor=scrum_master,
        product=product,
        name="Sprint 1",
        start_date=MONDAY,
        end_date=MONDAY + datetime.timedelta(13),
    )
    services.sprint_item_add(actor=scrum_master, sprint=sprint, item=planned)
    page = sign_in(scrum_master)
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.goto(f"/p/{product.slug}/sprints/{sprint.pk}/plan/")
    page.get_by_role("link", name=f"#{waiting.number} Ranking model").click()
    expect(page.get_by_role("dialog", name=f"#{waiting.number} Ranking model")).to_be_visible()
    page.keyboard.press("Escape")

    page.goto(f"/p/{product.slug}/sprints/{sprint.pk}/")
    page.get_by_role("table", name="Sprint items").get_by_role("link", name=f"#{planned.number} Feature store").click()
    expect(page.get_by_role("dialog", name=f"#{planned.number} Feature store")).to_be_visible()
