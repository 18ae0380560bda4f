"""Work-in-progress limits of the board (stored per product, set by the leads
on the sprint settings page and the API), the board's column loads, and the
keyboard move that answers with the whole board."""

import pytest
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains, assertNotContains

from apps.backlog.models import BacklogItem
from apps.sprints import selectors, services
from apps.sprints.models import SprintItem

BASE = "/p/recommender/sprints/"
API = "/api/v1/products/recommender/wip-limits/"


@pytest.fixture
def active(make_sprint, product, scrum_master, make_item):
    sprint = make_sprint(product)
    for title in ("Clean data", "Train model", "Ship model"):
        services.sprint_item_add(actor=scrum_master, sprint=sprint, item=make_item(product, title, 3, status="ready"))
    return services.sprint_start(actor=scrum_master, sprint=sprint)


def test_limits_are_kept_per_product_in_column_order(scrum_master, product):
    services.wip_limits_set(
        actor=scrum_master, product=product, limits={"in_review": 2, "in_progress": 3, "done": None}
    )
    assert selectors.wip_limits(product) == {"in_progress": 3, "in_review": 2}
    assert list(selectors.wip_limits(product)) == ["in_progress", "in_review"]


@pytest.mark.parametrize(
    "limits", [{"in_progress": 0}, {"in_progress": 1000}, {"in_progress": True}, {"dropped": 2}, {"in_progress": "3"}]
)
def test_a_limit_that_is_not_a_small_whole_number_of_a_board_column_is_refused(scrum_master, product, limits):
    with pytest.raises(ValidationError):
        services.wip_limits_set(actor=scrum_master, product=product, limits=limits)
    assert selectors.wip_limits(product) == {}


def test_the_board_shows_loads_and_warns_over_a_limit_without_refusing_a_move(
    browser_client, member, scrum_master, product, active
):
    services.wip_limits_set(actor=scrum_master, product=product, limits={"in_progress": 1})
    client = browser_client.as_user(member)
    for entry in SprintItem.objects.filter(sprint=active)[:2]:
        response = client.post(f"{BASE}{active.pk}/board/move/", {"item": entry.item_id, "status": "in_progress"})
        assert response.status_code == 302
    board = client.get(f"{BASE}{active.pk}/board/")
    assertContains(board, '<span class="wip-count">2</span> of at most 1')
    assertContains(board, "board-column over-limit")
    assert BacklogItem.objects.filter(status="in_progress").count() == 2


def test_a_board_without_limits_says_nothing_about_them(browser_client, member, active):
    board = browser_client.as_user(member).get(f"{BASE}{active.pk}/board/")
    assertNotContains(board, "of at most")
    assertNotContains(board, "over-limit")


def test_a_keyboard_move_answers_the_whole_board_with_the_moved_card_to_focus(browser_client, member, active):
    entry = SprintItem.objects.filter(sprint=active).select_related("item").first()
    response = browser_client.as_user(member).post(
        f"{BASE}{active.pk}/board/move/",
        {"item": entry.item_id, "status": "in_progress", "lanes": "assignee"},
        headers={"HX-Request": "true", "HX-Target": "board-area"},
    )
    assert response.status_code == 200
    assertContains(response, f'<div id="board-area" data-focus-item="{entry.item_id}">')
    assertContains(response, f"#{entry.item.number} is now in progress.")
    assertContains(response, "Unassigned")  # the swimlanes it was sent from
    assertNotContains(response, "<html")


def test_a_refused_keyboard_move_answers_the_board_with_the_reason(browser_client, member, active):
    entry = SprintItem.objects.filter(sprint=active).first()
    response = browser_client.as_user(member).post(
        f"{BASE}{active.pk}/board/move/",
        {"item": entry.item_id, "status": "done"},
        headers={"HX-Request": "true", "HX-Target": "board-area"},
    )
    assertContains(response, "cannot go from Ready to Done", status_code=400)
    assertContains(response, 'id="board-area"', status_code=400)


def test_cards_link_to_their_item_for_the_side_panel(browser_client, member, active):
    entry = SprintItem.objects.filter(sprint=active).select_related("item").first()
    board = browser_client.as_user(member).get(f"{BASE}{active.pk}/board/")
    assertContains(board, f'href="/p/recommender/backlog/items/{entry.item.number}/" data-panel')
    assertContains(board, 'id="side-panel"')


def test_leads_set_limits_on_the_settings_page(browser_client, scrum_master, product):
    client = browser_client.as_user(scrum_master)
    page = client.get(f"{BASE}settings/")
    data = {
        "stages-TOTAL_FORMS": "1",
        "stages-INITIAL_FORMS": "0",
        "stages-0-name": "Explore",
        "stages-0-days": "5",
        "wip-in_progress": "3",
        "wip-in_review": "",
    }
    assertContains(page, "Work-in-progress limits")
    response = client.post(f"{BASE}settings/", data)
    assert response.status_code == 302
    assert selectors.wip_limits(product) == {"in_progress": 3}
    refused = client.post(f"{BASE}settings/", {**data, "wip-in_progress": "0"})
    assert refused.status_code == 400
    assert selectors.wip_limits(product) == {"in_progress": 3}


def test_the_api_reads_and_sets_limits_for_the_leads_only(api, scrum_master, member, stakeholder, product):
    assert api.as_user(scrum_master).put(API, {"wip_limits": {"in_progress": 4}}, format="json").json() == {
        "wip_limits": {"in_progress": 4}
    }
    assert api.as_user(member).get(API).json() == {"wip_limits": {"in_progress": 4}}
    assert api.as_user(member).put(API, {"wip_limits": {}}, format="json").status_code == 403
    assert api.as_user(stakeholder).get(API).status_code == 403
    bad = api.as_user(scrum_master).put(API, {"wip_limits": {"in_progress": 0}}, format="json")
    assert bad.status_code == 400
    assert selectors.wip_limits(product) == {"in_progress": 4}
