"""Threads through the API: the same doors, services and refusals as the pages."""

import pytest

from apps.conversation.models import Comment
from apps.notifications.models import Notification
from tests.utils import queries_of


def url(item, rest=""):
    return f"/api/v1/products/recommender/threads/items/{item.number}/{rest}"


def test_comment_list_edit_and_delete(api, pm, member, item):
    client = api.as_user(pm)
    created = client.post(url(item, "comments/"), {"body": "Ship it, @member"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["author"], body["mentioned"], body["version"]) == ("pm", ["member"], 1)
    assert Notification.objects.filter(recipient=member, kind="mentioned").exists()
    assert [c["body"] for c in client.get(url(item, "comments/")).json()["results"]] == ["Ship it, @member"]
    edited = client.patch(url(item, f"comments/{body['id']}/"), {"body": "Ship it", "version": 1}, format="json")
    assert (edited.status_code, edited.json()["version"]) == (200, 2)
    stale = client.patch(url(item, f"comments/{body['id']}/"), {"body": "again", "version": 1}, format="json")
    assert stale.status_code == 409
    assert api.as_user(member).delete(url(item, f"comments/{body['id']}/")).status_code == 403
    assert api.as_user(pm).delete(url(item, f"comments/{body['id']}/")).status_code == 204
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("body", "field_message"),
    [
        ({"body": "Hi @stakeholder"}, "@stakeholder cannot see this item"),
        ({"body": "x" * 10_001}, "at most 10,000"),
        ({"body": ""}, "blank"),
        ({}, "required"),
    ],
)
def test_bad_comments_are_a_400_naming_the_field(api, pm, stakeholder, item, body, field_message):
    response = api.as_user(pm).post(url(item, "comments/"), body, format="json")
    assert response.status_code == 400
    assert field_message in " ".join(response.json()["body"])
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("stakeholder", 403), ("outsider", 404)], indirect=["persona"])
def test_people_who_may_not_see_the_item_get_nothing(api, persona, status, say, pm, item):
    say(pm, "internal")
    client = api.as_user(persona)
    assert client.get(url(item, "comments/")).status_code == status
    assert client.post(url(item, "comments/"), {"body": "hi"}, format="json").status_code == status
    assert client.get(url(item, "watch/")).status_code == status
    assert client.get(url(item, "mentionable/")).status_code == status


def test_watch_and_mentionable(api, member, pm, stakeholder, item):
    client = api.as_user(member)
    assert client.get(url(item, "watch/")).json() == {"watching": False}
    assert client.put(url(item, "watch/"), {"watching": True}, format="json").json() == {"watching": True}
    assert client.put(url(item, "watch/"), {}, format="json").status_code == 400
    assert [p["username"] for p in client.get(url(item, "mentionable/?q=pm")).json()] == ["pm"]


def test_unknown_subjects_and_items_are_404(api, pm, item):
    client = api.as_user(pm)
    assert client.get("/api/v1/products/recommender/threads/nonsense/1/comments/").status_code == 404
    assert client.get("/api/v1/products/recommender/threads/items/99999999999999999999/comments/").status_code == 404


def test_the_comment_list_runs_the_same_number_of_queries_however_many(
    api, say, pm, member, item, django_assert_num_queries
):
    client = api.as_user(pm)
    say(pm, "one @member")
    few = queries_of(lambda: client.get(url(item, "comments/")))
    for n in range(20):
        say(member, f"more {n} @pm")
    with django_assert_num_queries(few):
        assert client.get(url(item, "comments/")).status_code == 200


def test_the_schema_documents_threads(api, pm):
    paths = api.as_user(pm).get("/api/schema/?format=json").json()["paths"]
    base = "/api/v1/products/{product_slug}/threads/{subject}/{ref}/"
    for path in ("comments/", "comments/{id}/", "watch/", "mentionable/"):
        assert base + path in paths, path
