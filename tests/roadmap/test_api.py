"""The roadmap API and the calendar feed: permissions both ways, bad input,
versions, the schema, filters."""

import datetime

import pytest

from apps.accounts.models import Membership
from apps.roadmap import forecasting, services
from apps.roadmap.models import FeedToken, Horizon, Milestone, RoadmapItem
from tests.factories import OutcomeMetricFactory
from tests.roadmap.conftest import backlog, closed_sprints, epic

BASE = "/api/v1/products/recommender/roadmap"


@pytest.fixture
def roadmap(make_roadmap_item, product):
    closed_sprints(product, 10, 10, 10)
    shared = make_roadmap_item(
        "Shared item",
        horizon=Horizon.NOW,
        shared=True,
        internal_notes="SECRET-NOTE",
        target_date=datetime.date(2030, 1, 1),
        backlog_items=backlog(product, 5),
    )
    internal = make_roadmap_item("INTERNAL-ONLY", horizon=Horizon.NEXT)
    forecasting.recompute(product_id=product.pk)
    return shared, internal


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member"], indirect=True)
def test_the_team_lists_every_item_with_internals(api, persona, roadmap):
    body = api.as_user(persona).get(f"{BASE}/items/").json()
    assert {row["title"] for row in body["results"]} == {"Shared item", "INTERNAL-ONLY"}
    shared = next(row for row in body["results"] if row["title"] == "Shared item")
    assert shared["internal_notes"] == "SECRET-NOTE" and shared["progress"]["items_total"] == 1
    assert shared["forecast"]["p85"] and shared["forecast"]["inputs"]["method"] == "points per sprint"


def test_a_stakeholder_gets_the_public_shape_of_shared_items(api, stakeholder, roadmap):
    shared, internal = roadmap
    client = api.as_user(stakeholder)
    body = client.get(f"{BASE}/items/").json()
    assert [row["title"] for row in body["results"]] == ["Shared item"]
    assert "internal_notes" not in body["results"][0] and "inputs" not in body["results"][0]["forecast"]
    assert client.get(f"{BASE}/items/{internal.pk}/").status_code == 404
    assert client.get(f"{BASE}/items/{internal.pk}/forecast/").status_code == 404
    assert "inputs" not in client.get(f"{BASE}/items/{shared.pk}/forecast/").json()
    assert client.get(f"{BASE}/epics/").status_code == 403
    assert client.post(f"{BASE}/items/", {"title": "x"}, format="json").status_code == 403
    assert client.patch(f"{BASE}/items/{shared.pk}/", {"title": "x", "version": 1}, format="json").status_code == 403
    assert client.post(f"{BASE}/items/{shared.pk}/move/", {"to": "top"}, format="json").status_code == 403


def test_an_outsider_gets_404(api, outsider, roadmap):
    shared, _ = roadmap
    client = api.as_user(outsider)
    for path in (f"{BASE}/items/", f"{BASE}/items/{shared.pk}/", f"{BASE}/milestones/", f"{BASE}/epics/"):
        assert client.get(path).status_code == 404, path


def test_the_pm_creates_edits_and_moves_items(api, pm, product, roadmap):
    shared, internal = roadmap
    client = api.as_user(pm)
    ranking_epic = epic(product)
    created = client.post(
        f"{BASE}/items/", {"title": "Ranking v2", "horizon": "later", "epics": [ranking_epic.number]}, format="json"
    )
    assert created.status_code == 201 and created.json()["epics"] == [ranking_epic.number]
    item_id = created.json()["id"]
    missing_version = client.patch(f"{BASE}/items/{item_id}/", {"title": "y"}, format="json")
    assert missing_version.status_code == 400 and "version" in missing_version.json()
    edited = client.patch(f"{BASE}/items/{item_id}/", {"title": "y", "version": 1}, format="json")
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = client.patch(f"{BASE}/items/{item_id}/", {"title": "z", "version": 1}, format="json")
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["detail"]
    moved = client.post(f"{BASE}/items/{internal.pk}/move/", {"before": shared.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["horizon"] == "now"


def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(
    api, pm, product, other_product, roadmap, make_roadmap_item
):
    shared, internal = roadmap
    client = api.as_user(pm)
    foreign_epic = epic(other_product)
    theirs = make_roadmap_item("theirs", on=other_product)
    cases = [
        ({"title": "x", "epics": [foreign_epic.number + 100]}, "epics"),
        ({"title": "x", "start_date": "2026-05-01", "target_date": "2026-04-01"}, "target_date"),
        ({"title": "x", "target_date": "2026-02-30"}, "target_date"),
        ({"title": "x", "target_quarter": "2026-Q9"}, "target_quarter"),
        ({"title": "x", "requests": ["R-999"]}, "requests"),
        ({"horizon": "now"}, "title"),
        ({"title": "x", "outcome_metric": OutcomeMetricFactory(product=other_product).pk}, "outcome_metric"),
    ]
    before = RoadmapItem.objects.count()
    for data, field in cases:
        response = client.post(f"{BASE}/items/", data, format="json")
        assert response.status_code == 400 and field in response.json(), (data, response.json())
    assert RoadmapItem.objects.count() == before
    moved = client.post(f"{BASE}/items/{internal.pk}/move/", {"before": theirs.pk}, format="json")
    assert moved.status_code == 400 and "No item" in moved.json()["before"][0]
    other_items = f"/api/v1/products/other/roadmap/items/{theirs.pk}/move/"
    assert client.post(other_items, {"to": "top"}, format="json").status_code == 404
    assert RoadmapItem.objects.get(pk=internal.pk).horizon == Horizon.NEXT
    assert client.post(f"{BASE}/items/{internal.pk}/move/", {}, format="json").status_code == 400


def test_an_item_moves_an_outcome_metric_of_its_product(api, pm, product):
    metric = OutcomeMetricFactory(product=product, name="Conversion")
    made = api.as_user(pm).post(f"{BASE}/items/", {"title": "x", "outcome_metric": metric.pk}, format="json")
    assert made.status_code == 201 and made.json()["outcome_metric"] == metric.pk


def test_filters(api, pm, roadmap):
    client = api.as_user(pm)
    assert [r["title"] for r in client.get(f"{BASE}/items/?horizon=now").json()["results"]] == ["Shared item"]
    assert [r["title"] for r in client.get(f"{BASE}/items/?shared=false").json()["results"]] == ["INTERNAL-ONLY"]
    assert client.get(f"{BASE}/items/?target_after=2029-12-31").json()["count"] == 1
    assert client.get(f"{BASE}/items/?horizon=someday").status_code == 400


def test_milestones_api(api, pm, stakeholder, product, roadmap):
    shared, internal = roadmap
    client = api.as_user(pm)
    made = client.post(
        f"{BASE}/milestones/", {"title": "Shadow traffic", "date": "2026-06-01", "shared": True}, format="json"
    )
    assert made.status_code == 201
    Milestone.objects.create(product=product, title="INTERNAL", date=datetime.date(2026, 6, 2))
    bad = client.post(f"{BASE}/milestones/", {"title": "x", "date": "1066-10-14"}, format="json")
    assert bad.status_code == 400 and "date" in bad.json()
    stale = client.patch(f"{BASE}/milestones/{made.json()['id']}/", {"title": "y", "version": 0}, format="json")
    assert stale.status_code == 409
    seen = api.as_user(stakeholder).get(f"{BASE}/milestones/").json()["results"]
    assert [m["title"] for m in seen] == ["Shadow traffic"]


def test_epic_forecasts_for_the_team(api, member, product):
    closed_sprints(product, 10, 10, 10)
    ranking_epic = epic(product)
    backlog(product, 10, parent=ranking_epic)
    forecasting.recompute(product_id=product.pk)
    body = api.as_user(member).get(f"{BASE}/epics/{ranking_epic.number}/").json()
    assert body["forecast"]["p85"] and body["number"] == ranking_epic.number


def test_the_schema_has_the_roadmap(api, pm):
    schema = api.as_user(pm).get("/api/schema/?format=json").json()
    assert "/api/v1/products/{product_slug}/roadmap/items/{id}/move/" in schema["paths"]
    assert "/api/v1/products/{product_slug}/roadmap/epics/{number}/" in schema["paths"]


def test_the_calendar_feed_follows_the_owners_role(client, pm, stakeholder, product, roadmap, browser_client):
    shared, internal = roadmap
    services.item_update(actor=pm, item=internal, expected_version=internal.version, target_quarter="2030-Q2")
    Milestone.objects.create(product=product, title="Shadow traffic", date=datetime.date(2026, 6, 1), shared=True)
    for person, sees_internal in ((pm, True), (stakeholder, False)):
        _, secret = services.feed_token_issue(actor=person, product=product)
        client.logout()
        response = client.get(f"/p/recommender/roadmap/calendar/{secret}.ics")
        body = response.content.decode()
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        assert "SUMMARY:Target: Shared item" in body and "Milestone: Shadow traffic" in body
        assert ("INTERNAL-ONLY" in body) is sees_internal
        assert ("SECRET-NOTE" in body) is sees_internal
        assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_a_revoked_or_orphaned_feed_is_404(client, pm, stakeholder, product, roadmap):
    _, revoked = services.feed_token_issue(actor=stakeholder, product=product)
    services.feed_token_revoke(actor=stakeholder, product=product, user=stakeholder)
    assert client.get(f"/p/recommender/roadmap/calendar/{revoked}.ics").status_code == 404
    _, live = services.feed_token_issue(actor=stakeholder, product=product)
    Membership.objects.filter(user=stakeholder).delete()
    assert client.get(f"/p/recommender/roadmap/calendar/{live}.ics").status_code == 404
    assert client.get("/p/recommender/roadmap/calendar/made-up.ics").status_code == 404
    assert FeedToken.objects.count() == 2
