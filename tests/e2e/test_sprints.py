"""Browser journeys of sprints: a standard sprint from plan to close, and a
staged data-science sprint with stage items, a wrong assumption and exit criteria."""

import datetime
import re

from playwright.sync_api import expect

from apps.backlog.models import BacklogItem
from apps.sprints.models import Sprint, SprintItem
from tests.sprints.conftest import MONDAY, backlog_item


def drag(page, card, target):
    """Drag a card by its title with real mouse moves (Sortable runs in pointer mode)."""
    handle = card.locator(".title")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
    page.mouse.down()
    target.scroll_into_view_if_needed()
    goal = target.bounding_box()
    start_x, start_y = box["x"] + 10, box["y"] + box["height"] / 2
    end_x, end_y = goal["x"] + 20, goal["y"] + goal["height"] - 8
    for step in range(1, 21):
        page.mouse.move(start_x + (end_x - start_x) * step / 20, start_y + (end_y - start_y) * step / 20)
        page.wait_for_timeout(15)
    # Sortable notices the target on a move over it; linger there before dropping.
    for wiggle in (2, -2, 0):
        page.mouse.move(end_x + wiggle, end_y)
        page.wait_for_timeout(50)
    page.mouse.up()


def column(page, name):
    return page.get_by_role("list", name=name, exact=True)


def test_scrum_master_plans_within_capacity_starts_moves_a_card_and_closes_carrying_one_over(
    sign_in, pm, scrum_master, product
):
    features = backlog_item(pm, product, "Feature store", 3)
    model = backlog_item(pm, product, "Ranking model", 5)
    backlog_item(pm, product, "Nice to have", 2)
    page = sign_in(scrum_master)
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.goto("/p/recommender/sprints/new/")
    page.get_by_label("Name").fill("Sprint 1")
    page.get_by_label("Start date").fill("2026-03-02")
    page.get_by_label("End date").fill("2026-03-13")
    page.get_by_label("Capacity points").fill("8")
    page.get_by_role("button", name="Plan sprint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan Sprint 1")

    page.get_by_role("button", name=f"Add #{features.number} to the sprint").click()
    sprint_list = page.get_by_role("list", name="Sprint items")
    expect(sprint_list).to_contain_text("Feature store")
    drag(page, page.get_by_role("list", name="Backlog").locator("li", has_text="Ranking model"), sprint_list)
    expect(sprint_list).to_contain_text("Ranking model")
    expect(page.get_by_test_id("committed-points")).to_have_text("8")
    expect(page.locator("#capacity")).to_contain_text("of 8 capacity")
    expect(page.locator("#capacity")).not_to_contain_text("Over capacity")

    page.get_by_role("button", name="Start sprint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sprint 1: board")

    card = column(page, "Ready").locator("li", has_text="Feature store")
    drag(page, card, column(page, "In progress"))
    # The server's answer replaces the card with one in its new status.
    expect(column(page, "In progress").locator('li[data-status="in_progress"]')).to_contain_text("Feature store")
    assert BacklogItem.objects.get(pk=features.pk).status == "in_progress"

    # The workflow refuses Ready -> Done: the card goes back and the reason shows.
    drag(page, column(page, "Ready").locator("li", has_text="Ranking model"), column(page, "Done"))
    expect(page.get_by_role("alert")).to_contain_text("cannot go from Ready to Done")
    expect(column(page, "Ready")).to_contain_text("Ranking model")
    expect(column(page, "Done")).not_to_contain_text("Ranking model")

    drag(page, column(page, "In progress").locator("li", has_text="Feature store"), column(page, "Done"))
    expect(column(page, "Done").locator('li[data-status="done"]')).to_contain_text("Feature store")

    page.get_by_role("link", name="Close sprint").click()
    decision = page.get_by_role("group", name=re.compile("Ranking model"))
    decision.get_by_label("Carry over to the next sprint").check()
    page.get_by_role("button", name="Close sprint").click()
    expect(page.get_by_role("status")).to_contain_text("Carried-over work is in Sprint 2")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")

    closed = Sprint.objects.get(name="Sprint 1")
    assert (closed.committed_points, closed.completed_points, closed.carried_over_points) == (8, 3, 5)
    assert SprintItem.objects.get(sprint__name="Sprint 2").item == model


def test_a_staged_sprint_with_stage_items_a_wrong_assumption_and_exit_criteria(sign_in, pm, scrum_master, product):
    profile = backlog_item(pm, product, "Profile order data", 3)
    backlog_item(pm, product, "Train churn model", 5)
    page = sign_in(scrum_master)
    # Room for the backlog and all four stages, so the drag does not scroll the page.
    page.set_viewport_size({"width": 1400, "height": 1600})

    page.goto("/p/recommender/sprints/new/")
    page.get_by_label("Name").fill("Churn sprint")
    page.get_by_label("Kind").select_option("staged")
    page.get_by_label("Start date").fill("2026-03-02")
    page.get_by_label("End date").fill("2026-03-29")
    page.get_by_role("button", name="Plan sprint").click()

    page.get_by_label(f"Stage for #{profile.number}").select_option(label="Data analysis and planning")
    page.get_by_role("button", name=f"Add #{profile.number} to the sprint").click()
    expect(page.get_by_role("list", name="Stage Data analysis and planning")).to_contain_text("Profile order data")
    drag(
        page,
        page.get_by_role("list", name="Backlog").locator("li", has_text="Train churn model"),
        page.get_by_role("list", name="Stage Modelling"),
    )
    expect(page.get_by_role("list", name="Stage Modelling")).to_contain_text("Train churn model")
    page.get_by_role("button", name="Start sprint").click()

    page.get_by_role("navigation", name="Churn sprint").get_by_role("link", name="Overview").click()
    page.get_by_label("We assume that…").fill("Two years of orders are available")
    page.get_by_label("Category").select_option(label="Data availability")
    page.get_by_role("button", name="Record assumption").click()
    assumptions = page.get_by_role("table", name="Assumptions")
    expect(assumptions).to_contain_text("Two years of orders are available")

    assumptions.get_by_role("link", name="Wrong…").click()
    page.get_by_label("What turned out to be the case").fill("Only nine months are kept online")
    page.get_by_label("Into this sprint").check()
    page.get_by_label("Stage").select_option(label="Modelling")
    page.get_by_label("Follow-up 1 title").fill("Restore the order archive")
    page.get_by_label("Follow-up 1 points").fill("3")
    page.get_by_role("button", name="Mark wrong and add the follow-ups").click()

    expect(page.get_by_role("table", name="Assumptions")).to_contain_text("Restore the order archive")
    expect(page.get_by_test_id("wrong-cost")).to_contain_text("3 points")
    expect(page.get_by_role("table", name="Sprint items")).to_contain_text("Restore the order archive")

    page.get_by_role("link", name="Data analysis and planning").click()
    page.get_by_role("button", name="Close stage").click()
    expect(page.get_by_role("alert").first).to_contain_text("Not met yet")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("closed")

    for ticked in range(1, 4):
        page.locator("#checklist input[type=checkbox]").nth(ticked - 1).check()
        # Each tick answers a fresh checklist; wait for it before the next.
        expect(page.get_by_test_id("criteria-met")).to_have_text(f"{ticked} of 3 met")
    # "Profile order data" is unfinished: the close asks where it goes.
    page.get_by_role("button", name="Close stage").click()
    expect(page.get_by_role("alert").first).to_contain_text("not finished")
    page.get_by_label("Move them to Modelling").check()
    page.get_by_role("button", name="Close stage").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("closed")
    moved = SprintItem.objects.get(item__title="Profile order data")
    assert moved.stage.name == "Modelling"


def test_choosing_swimlanes_redraws_the_board(sign_in, pm, scrum_master, member, product):
    from apps.sprints import services

    item = backlog_item(pm, product, "Feature store", 3, assignee=member)
    sprint = services.sprint_create(
        actor=scrum_master,
        product=product,
        name="Sprint 1",
        start_date=MONDAY,
        end_date=MONDAY + datetime.timedelta(days=4),
    )
    services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
    services.sprint_start(actor=scrum_master, sprint=sprint)
    page = sign_in(member)
    page.goto(f"/p/recommender/sprints/{sprint.pk}/board/")
    page.get_by_label("Swimlanes").select_option("assignee")
    expect(page).to_have_url(re.compile(r"lanes=assignee"))
    expect(page.get_by_role("heading", level=2, name=str(member))).to_be_visible()
