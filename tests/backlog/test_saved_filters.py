"""Saved filters: name the current backlog or board filter, keep it per
person, optionally share it with the product's team."""

import pytest
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains, assertNotContains

from apps.backlog import services
from apps.backlog.models import SavedFilter


def test_a_filter_is_saved_for_its_owner_and_shared_ones_for_the_team(browser_client, member, scrum_master, product):
    client = browser_client.as_user(member)
    response = client.post(
        "/p/recommender/backlog/saved-filters/",
        {"name": "My bugs", "page": "backlog", "query": "kind=bug&assignee=member&evil=1&page=3"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/p/recommender/backlog/?kind=bug&assignee=member"
    assertContains(client.get("/p/recommender/backlog/"), ">My bugs</a>")
    assertNotContains(browser_client.as_user(scrum_master).get("/p/recommender/backlog/"), "My bugs")
    browser_client.as_user(member).post(
        "/p/recommender/backlog/saved-filters/",
        {"name": "Blocked now", "page": "backlog", "query": "blocked=true", "shared": "on"},
    )
    page = browser_client.as_user(scrum_master).get("/p/recommender/backlog/")
    assertContains(page, "Blocked now")
    assertContains(page, "shared by")


def test_saving_a_name_again_replaces_its_filter(member, product):
    services.saved_filter_save(actor=member, product=product, page="backlog", name="Mine", query="kind=bug")
    services.saved_filter_save(actor=member, product=product, page="backlog", name=" Mine ", query="kind=task")
    assert list(SavedFilter.objects.values_list("name", "query")) == [("Mine", "kind=task")]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "", "query": "kind=bug"}, "Give the filter a name."),
        ({"name": "x" * 61, "query": "kind=bug"}, "at most 60"),
        ({"name": "Nothing", "query": "evil=1"}, "There is no filter to save"),
        ({"name": "Nothing", "query": ""}, "There is no filter to save"),
        ({"name": "Odd", "query": "kind=bug", "page": "roadmap"}, "Filters are saved for"),
    ],
)
def test_bad_saved_filters_are_refused(member, product, fields, message):
    with pytest.raises(ValidationError, match=message):
        services.saved_filter_save(actor=member, product=product, **{"page": "backlog", **fields})
    assert not SavedFilter.objects.exists()


def test_only_the_owner_deletes_and_outsiders_or_stakeholders_reach_none(
    browser_client, member, scrum_master, stakeholder, outsider, product
):
    saved = services.saved_filter_save(
        actor=member, product=product, page="backlog", name="Shared", query="kind=bug", shared=True
    )
    url = f"/p/recommender/backlog/saved-filters/{saved.pk}/delete/"
    assert browser_client.as_user(scrum_master).post(url).status_code == 403
    assert browser_client.as_user(stakeholder).post(url).status_code == 403
    assert browser_client.as_user(outsider).post(url).status_code == 404
    assert browser_client.as_user(member).post(url).status_code == 302
    assert not SavedFilter.objects.exists()


def test_a_board_filter_is_saved_and_offered_on_the_board(browser_client, pm, product):
    import datetime

    from apps.sprints import services as sprints

    sprint = sprints.sprint_create(
        actor=pm, product=product, name="S1", start_date=datetime.date(2031, 1, 6), end_date=datetime.date(2031, 1, 17)
    )
    client = browser_client.as_user(pm)
    board = f"/p/recommender/sprints/{sprint.pk}/board/"
    assertContains(client.get(board + "?lanes=assignee"), 'name="query" value="lanes=assignee"')
    response = client.post(
        "/p/recommender/backlog/saved-filters/",
        {"name": "By person", "page": "board", "query": "lanes=assignee", "next": board + "?lanes=assignee"},
    )
    assert response["Location"] == board + "?lanes=assignee"
    assertContains(client.get(board), "By person")
    response = client.post(
        "/p/recommender/backlog/saved-filters/",
        {"name": "Elsewhere", "page": "board", "query": "lanes=epic", "next": "https://evil.example.com/"},
    )
    assert response["Location"] == "/p/recommender/backlog/?lanes=epic", "never sent off-site"


def test_saved_filters_through_the_api(api, member, scrum_master, product):
    url = "/api/v1/products/recommender/backlog/saved-filters/"
    client = api.as_user(member)
    created = client.post(url, {"name": "Bugs", "query": "kind=bug&x=1", "shared": True}, format="json")
    assert created.status_code == 201
    assert (created.json()["query"], created.json()["owner"]) == ("kind=bug", "member")
    assert client.post(url, {"name": "", "query": "kind=bug"}, format="json").status_code == 400
    assert client.post(url, {"name": "None", "query": "x=1"}, format="json").json() == {
        "query": ["There is no filter to save: choose some filters first."]
    }
    assert [row["name"] for row in api.as_user(scrum_master).get(url).json()] == ["Bugs"]
    assert api.as_user(scrum_master).get(url + "?page=board").json() == []
    saved_id = created.json()["id"]
    assert api.as_user(scrum_master).delete(f"{url}{saved_id}/").status_code == 403
    assert api.as_user(member).delete(f"{url}{saved_id}/").status_code == 204
