"""The retrospectives API: the same rules as the pages (team only, facilitator
runs phases, own cards only, phases respected), clear 400s and 409s, in the
schema, filterable, and query counts that do not grow."""

import datetime

import pytest

from apps.retros import services
from apps.retros.models import ActionItem, Card, Phase, Retrospective, Theme, Vote
from tests.retros.conftest import MONDAY, first_column, to_phase
from tests.utils import queries_of


def base(retro=None, path=""):
    if retro is None:
        return f"/api/v1/products/recommender/{path}"
    return f"/api/v1/products/recommender/retros/{retro.pk}/{path}"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("pm", 200), ("scrum_master", 200), ("member", 200), ("stakeholder", 403), ("outsider", 404)],
    indirect=["persona"],
)
def test_only_the_team_reads_retros(api, persona, status, retro):
    api.as_user(persona)
    for path in (
        base(None, "retros/"),
        base(retro),
        base(retro, "board/"),
        base(retro, "summary/"),
        base(retro, "columns/"),
        base(retro, "cards/"),
        base(retro, "themes/"),
        base(retro, "votes/"),
        base(retro, "actions/"),
        base(retro, "health-check/"),
        base(None, "retro-actions/"),
        base(None, "health-dimensions/"),
        base(None, "retro-layouts/"),
        base(None, "retro-settings/"),
        base(None, "health-trend/"),
    ):
        assert api.get(path).status_code == status, path


@pytest.mark.parametrize(("persona", "status"), [("stakeholder", 403), ("outsider", 404)], indirect=["persona"])
def test_outsiders_and_stakeholders_change_nothing(api, persona, status, retro):
    api.as_user(persona)
    column = first_column(retro)
    assert api.post(base(retro, "cards/"), {"column": column.pk, "text": "x"}, format="json").status_code == status
    assert api.post(base(retro, "phase/"), {"to": "reveal"}, format="json").status_code == status
    assert api.post(base(retro, "health-check/"), {"ratings": []}, format="json").status_code == status
    assert not Card.objects.exists() and Retrospective.objects.get().phase == Phase.WRITE


def test_a_lead_opens_a_retro_and_a_member_cannot(api, member, scrum_master, sprint):
    body = {"sprint": sprint.pk, "format_key": "sailboat"}
    assert api.as_user(member).post(base(None, "retros/"), body, format="json").status_code == 403
    response = api.as_user(scrum_master).post(base(None, "retros/"), body, format="json")
    assert response.status_code == 201 and response.json()["format_name"] == "Sailboat"
    columns = api.get(base(Retrospective.objects.get(), "columns/")).json()
    assert [c["title"] for c in columns] == ["Wind", "Anchors", "Rocks", "Island"]


def test_a_facilitator_from_outside_the_team_is_a_facilitator_error(api, scrum_master, stakeholder, sprint):
    body = {"sprint": sprint.pk, "facilitator": stakeholder.pk}
    response = api.as_user(scrum_master).post(base(None, "retros/"), body, format="json")
    assert response.status_code == 400 and list(response.json()) == ["facilitator"]
    assert not Retrospective.objects.exists()


def test_a_sprint_of_another_product_is_a_field_error(api, scrum_master, other_product, make_sprint):
    foreign = make_sprint(other_product, "Theirs")
    response = api.as_user(scrum_master).post(base(None, "retros/"), {"sprint": foreign.pk}, format="json")
    assert response.status_code == 400 and "sprint" in response.json()


def test_phases_through_the_api(api, member, scrum_master, retro):
    assert api.as_user(member).post(base(retro, "phase/"), {"to": "reveal"}, format="json").status_code == 403
    api.as_user(scrum_master)
    assert api.post(base(retro, "phase/"), {"to": "group"}, format="json").json()["phase"] == "group"
    response = api.post(base(retro, "phase/"), {"to": "write"}, format="json")
    assert response.status_code == 400 and "only move forward" in response.json()["non_field_errors"][0]
    assert api.post(base(retro, "phase/"), {"to": "party"}, format="json").status_code == 400


def test_no_voting_while_writing(api, member, retro):
    services.card_add(actor=member, retro=retro, column=first_column(retro), text="Card")
    api.as_user(member)
    # No theme exists yet, so the vote names nothing on this board.
    response = api.post(base(retro, "votes/"), {"theme": 1}, format="json")
    assert response.status_code == 400 and "theme" in response.json()
    assert not Vote.objects.exists()


def test_cards_theirs_only_and_phases_respected(api, member, teammate, scrum_master, retro):
    api.as_user(member)
    made = api.post(base(retro, "cards/"), {"column": first_column(retro).pk, "text": "Mine"}, format="json").json()
    assert made["mine"] is True and made["author"] == member.pk
    api.as_user(teammate)
    assert api.get(base(retro, "cards/")).json()["count"] == 0
    assert api.get(base(retro, f"cards/{made['id']}/")).status_code == 404
    assert api.patch(base(retro, f"cards/{made['id']}/"), {"text": "Theirs"}, format="json").status_code == 404
    api.as_user(member)
    stale = api.patch(base(retro, f"cards/{made['id']}/"), {"text": "Edit", "version": 99}, format="json")
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["detail"]
    too_long = api.patch(base(retro, f"cards/{made['id']}/"), {"text": "x" * 501}, format="json")
    assert too_long.status_code == 400
    assert Card.objects.get().text == "Mine"
    to_phase(retro, "reveal", scrum_master)
    card = Card.objects.get()
    api.as_user(teammate)
    assert api.get(base(retro, "cards/")).json()["count"] == 1
    assert api.delete(base(retro, f"cards/{card.pk}/")).status_code == 403
    api.as_user(member)
    response = api.delete(base(retro, f"cards/{card.pk}/"))
    assert response.status_code == 400 and "write phase" in response.json()["non_field_errors"][0]
    assert Card.objects.exists()


def test_grouping_voting_and_actions_through_the_api(
    api, member, teammate, scrum_master, retro, product, make_sprint, make_retro
):
    for text in ("CI is flaky", "Tests are slow"):
        services.card_add(actor=member, retro=retro, column=first_column(retro), text=text)
    to_phase(retro, "group", scrum_master)
    api.as_user(member)
    cards = api.get(base(retro, "cards/")).json()["results"]
    theme = api.post(base(retro, "themes/"), {"title": "Build", "cards": [cards[0]["id"]]}, format="json").json()
    grouped = api.post(base(retro, f"cards/{cards[1]['id']}/group/"), {"theme": theme["id"]}, format="json")
    assert grouped.status_code == 200 and grouped.json()["theme"] == theme["id"]
    # A theme of another retro is refused with its reason.
    other = to_phase(
        make_retro(make_sprint(product, "Sprint 2", start=MONDAY + datetime.timedelta(days=14))), "group", scrum_master
    )
    foreign = services.theme_create(actor=member, retro=other, title="Elsewhere")
    refused = api.post(base(retro, f"cards/{cards[1]['id']}/group/"), {"theme": foreign.pk}, format="json")
    assert refused.status_code == 400 and "another retrospective" in str(refused.json())
    renamed = api.patch(base(retro, f"themes/{theme['id']}/"), {"title": "Build pipeline", "version": 1}, format="json")
    assert renamed.json()["title"] == "Build pipeline"
    stale = api.patch(base(retro, f"themes/{theme['id']}/"), {"title": "Again", "version": 1}, format="json")
    assert stale.status_code == 409

    to_phase(retro, "vote", scrum_master)
    voted = api.post(base(retro, "votes/"), {"theme": theme["id"]}, format="json")
    assert voted.status_code == 201
    assert api.get(base(retro, "themes/")).json()["results"][0]["votes"] is None  # hidden while voting
    assert api.get(base(retro, "themes/")).json()["results"][0]["my_votes"] == 1
    api.as_user(teammate)
    assert api.get(base(retro, "votes/")).json() == []
    assert api.delete(base(retro, f"votes/{voted.json()['id']}/")).status_code == 404
    api.as_user(member)
    assert api.delete(base(retro, f"votes/{voted.json()['id']}/")).status_code == 204

    to_phase(retro, "discuss", scrum_master)
    action = api.post(
        base(retro, "actions/"),
        {"text": "Quarantine flaky tests", "owner": teammate.pk, "theme": theme["id"]},
        format="json",
    )
    assert action.status_code == 201 and action.json()["owner_name"] == str(teammate)
    linked = api.post(base(retro, f"actions/{action.json()['id']}/backlog-item/"))
    assert linked.status_code == 201
    assert ActionItem.objects.get().backlog_item.number == linked.json()["number"]
    again = api.post(base(retro, f"actions/{action.json()['id']}/backlog-item/"))
    assert again.status_code == 400 and "already backlog item" in str(again.json())
    listed = api.get(base(None, "retro-actions/"), {"owner": teammate.username, "in_backlog": "true"}).json()
    assert listed["count"] == 1


def test_bad_action_input_is_a_field_error(api, member, stakeholder, scrum_master, retro):
    to_phase(retro, "reveal", scrum_master)
    api.as_user(member)
    assert "owner" in api.post(base(retro, "actions/"), {"text": "x", "owner": stakeholder.pk}, format="json").json()
    assert "text" in api.post(base(retro, "actions/"), {"text": "x" * 301}, format="json").json()
    assert "due_date" in api.post(base(retro, "actions/"), {"text": "x", "due_date": "soon"}, format="json").json()
    assert not ActionItem.objects.exists()


def test_health_check_through_the_api(api, member, scrum_master, retro):
    check = api.as_user(member).get(base(retro, "health-check/")).json()
    ratings = [{"dimension": d["id"], "rating": "green"} for d in check["dimensions"]]
    assert api.post(base(retro, "health-check/"), {"ratings": ratings[:2]}, format="json").status_code == 400
    answered = api.post(base(retro, "health-check/"), {"ratings": ratings}, format="json")
    assert answered.status_code == 201 and answered.json()["answered"] and answered.json()["results"] is None
    assert api.post(base(retro, "health-check/"), {"ratings": ratings}, format="json").status_code == 400
    assert api.post(base(retro, "health-check/close/")).status_code == 403
    closed = api.as_user(scrum_master).post(base(retro, "health-check/close/"))
    assert closed.json()["status"] == "closed" and closed.json()["results"] is None  # 1 answer < 5


def test_dimensions_and_layouts_are_edited_by_leads(api, member, scrum_master, product):
    assert (
        api.as_user(member).post(base(None, "health-dimensions/"), {"name": "Data access"}, format="json").status_code
        == 403
    )
    api.as_user(scrum_master)
    assert len(api.get(base(None, "health-dimensions/")).json()) == 10
    added = api.post(base(None, "health-dimensions/"), {"name": "Data access"}, format="json")
    assert added.status_code == 201
    assert api.post(base(None, "health-dimensions/"), {"name": "data access"}, format="json").status_code == 400
    assert (
        api.patch(base(None, f"health-dimensions/{added.json()['id']}/"), {"active": False}, format="json").json()[
            "active"
        ]
        is False
    )
    layout = api.post(
        base(None, "retro-layouts/"), {"name": "KALM", "columns": [{"title": "Keep"}, {"title": "Add"}]}, format="json"
    )
    assert layout.status_code == 201
    assert api.post(base(None, "retro-layouts/"), {"name": "Empty", "columns": []}, format="json").status_code == 400
    settings = api.patch(base(None, "retro-settings/"), {"health_min_answers": 2}, format="json")
    assert settings.status_code == 400


def test_the_schema_lists_the_retro_endpoints(api, pm):
    schema = api.as_user(pm).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/products/{product_slug}/retros/",
        "/api/v1/products/{product_slug}/retros/{id}/phase/",
        "/api/v1/products/{product_slug}/retros/{id}/board/",
        "/api/v1/products/{product_slug}/retros/{retro_pk}/cards/",
        "/api/v1/products/{product_slug}/retros/{retro_pk}/themes/",
        "/api/v1/products/{product_slug}/retros/{retro_pk}/votes/",
        "/api/v1/products/{product_slug}/retros/{retro_pk}/actions/",
        "/api/v1/products/{product_slug}/retros/{retro_pk}/health-check/",
        "/api/v1/products/{product_slug}/retro-actions/",
        "/api/v1/products/{product_slug}/health-trend/",
    ):
        assert path in paths, path
    parameters = {p["name"] for p in paths["/api/v1/products/{product_slug}/retro-actions/"]["get"]["parameters"]}
    assert {"status", "owner", "overdue", "in_backlog"} <= parameters


def test_board_poll_is_204_when_unchanged(api, member, retro):
    api.as_user(member)
    board = api.get(base(retro, "board/")).json()
    assert api.get(base(retro, "board/"), {"since": board["retro"]["board_version"]}).status_code == 204


@pytest.mark.parametrize("path", ["board/", "cards/", "themes/", "actions/"])
def test_api_lists_do_not_grow_in_queries(
    api, django_assert_num_queries, member, scrum_master, product, make_sprint, make_retro, path
):
    api.as_user(member)

    def board(n, size):
        retro = make_retro(make_sprint(product, f"Sprint {n}", start=MONDAY + datetime.timedelta(days=14 * n)))
        for action in services.actions_to_review(retro):
            services.action_review(actor=scrum_master, retro=retro, action=action, outcome="dropped")
        retro = to_phase(retro, "write", scrum_master)
        for i in range(size):
            services.card_add(actor=member, retro=retro, column=first_column(retro), text=f"Card {i}")
        retro = to_phase(retro, "discuss", scrum_master)
        for theme in Theme.objects.filter(retro=retro):
            services.action_add(actor=member, retro=retro, text=f"Do {theme.pk}", owner=member, theme=theme)
        return retro

    small = board(1, 2)
    count = queries_of(lambda: api.get(base(small, path)))
    large = board(2, 15)
    with django_assert_num_queries(count):
        assert api.get(base(large, path)).status_code == 200
