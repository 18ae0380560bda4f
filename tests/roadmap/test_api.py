"""The roadmap API and the calendar feed: permissions both ways, bad input,
versions, the schema, filters."""

import datetime

import pytest

from apps.accounts.models import Membership
from apps.core.renderers import JSONRenderer
from apps.hypotheses.models import Hypothesis
from apps.roadmap import access, forecasting, selectors, services
from apps.roadmap.models import FeedToken, Horizon, Milestone, RoadmapItem
from apps.roadmap.serializers import PublicRoadmapItemSerializer, RoadmapItemSerializer
from tests.factories import HypothesisFactory, OutcomeMetricFactory, StakeholderRequestFactory
from tests.roadmap.conftest import backlog, closed_sprints, epic
from tests.roadmap.test_hypotheses import hypothesis
from tests.utils import queries_of

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
    # The list is shaped in Python (serializers.item_list_data); the serializers still describe it.
    listing = schema["paths"]["/api/v1/products/{product_slug}/roadmap/items/"]["get"]
    assert listing["description"].startswith("Roadmap items in horizon and rank order.")
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PaginatedPublicRoadmapItemList"
    )


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


# --- the list: rows shaped in Python, exactly as the serializers shape them -----------------------


@pytest.fixture
def every_kind_of_item(pm, product, make_roadmap_item):
    """Items with and without forecasts, links, targets, metrics and hypotheses
    (published and not, one on an outcome metric), shared and not."""
    closed_sprints(product, 10, 12, 9)
    metric = OutcomeMetricFactory(product=product, name="Conversion")
    published = hypothesis(pm, product, "re-ranking by recency", published=True)
    unpublished = hypothesis(pm, product, "a bigger carousel")
    on_metric = HypothesisFactory(
        product=product, number=9, metric=metric, metric_text="", target_date=datetime.date(2031, 3, 1)
    )
    Hypothesis.objects.filter(pk=on_metric.pk).update(
        status="validated", published_at=datetime.datetime.now(datetime.UTC)
    )
    ranking_epic = epic(product)
    backlog(product, 3, 5, parent=ranking_epic)
    ranged = backlog(product, None, estimate_optimistic=1, estimate_likely=2, estimate_pessimistic=13)
    done = backlog(product, 2, status="done")
    asked = StakeholderRequestFactory(product=product, backlog_item=backlog(product, 8)[0])
    plain = StakeholderRequestFactory(product=product)
    make_roadmap_item(
        "Everything",
        horizon=Horizon.NOW,
        shared=True,
        outcome="Shoppers find more.",
        outcome_metric=metric,
        public_description="What stakeholders read.",
        internal_notes="SECRET-NOTE",
        start_date=datetime.date(2029, 1, 1),
        target_date=datetime.date(2030, 1, 1),
        epics=[ranking_epic],
        backlog_items=[*ranged, *done],
        requests=[asked, plain],
        hypotheses=[unpublished, on_metric, published],
    )
    make_roadmap_item("By quarter, internal", horizon=Horizon.NOW, target_quarter="2031-Q2", hypotheses=[published])
    make_roadmap_item(
        "Done work only",
        shared=True,
        backlog_items=done,
    )
    forecasting.recompute(product_id=product.pk)
    make_roadmap_item("No forecast yet", horizon=Horizon.LATER, shared=True)


def _serialized(user, product) -> dict:
    """The list as the item serializers made it (model instances, prefetches, progress)."""
    internal = access.sees_internals(user, product)
    items = access.with_hypotheses(user, product, selectors.roadmap_items(access.visible_items(user, product)))
    items = list(items.prefetch_related("epics", "backlog_items", "requests") if internal else items)
    work = selectors.work_of(items)
    for item in items:
        item.progress = selectors.progress_of(work[item.pk])
    shape = RoadmapItemSerializer if internal else PublicRoadmapItemSerializer
    return {"count": len(items), "next": None, "previous": None, "results": shape(items, many=True).data}


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
@pytest.mark.parametrize("persona", ["pm", "member", "stakeholder"], indirect=True)
def test_the_list_answers_byte_for_byte_what_the_item_serializers_answer(
    api, persona, product, every_kind_of_item, settings, zone
):
    settings.TIME_ZONE = zone
    response = api.as_user(persona).get(f"{BASE}/items/")
    assert response.status_code == 200
    expected = _serialized(persona, product)
    assert response.content == JSONRenderer().render(expected)
    shown = {item["title"]: item for item in response.json()["results"]}
    everything = shown["Everything"]
    assert everything["forecast"] and shown["No forecast yet"]["forecast"] is None
    assert [shown[title]["target"] for title in ("Done work only", "No forecast yet")] == [None, None]
    if persona.username == "stakeholder":
        assert list(shown) == ["No forecast yet", "Done work only", "Everything"]
        assert [bet["reference"] for bet in everything["hypotheses"]] == ["H-1", "H-9"]
    else:
        assert shown["By quarter, internal"]["target"] == "2031-06-30"
        assert [bet["reference"] for bet in everything["hypotheses"]] == ["H-1", "H-2", "H-9"]
        assert everything["epics"] and everything["requests"] and everything["progress"]["items_total"] == 5


@pytest.mark.parametrize("persona", ["pm", "stakeholder"], indirect=True)
def test_the_list_pages_and_orders_as_the_serializers_did(api, persona, product, every_kind_of_item):
    client = api.as_user(persona)
    whole = _serialized(persona, product)["results"]
    first = client.get(f"{BASE}/items/?page_size=2").json()
    second = client.get(first["next"]).json()
    assert (first["count"], second["next"]) == (len(whole), None)
    assert JSONRenderer().render(first["results"] + second["results"]) == JSONRenderer().render(whole)
    ordered = client.get(f"{BASE}/items/?ordering=-created_at&shared=true").json()["results"]
    assert [item["title"] for item in ordered] == ["No forecast yet", "Done work only", "Everything"]


@pytest.mark.parametrize("persona", ["pm", "stakeholder"], indirect=True)
def test_the_list_runs_the_same_queries_for_3_items_or_30_with_every_link(
    api, persona, pm, product, make_roadmap_item, django_assert_num_queries
):
    closed_sprints(product, 10, 12, 9)

    def grow(count):
        for n in range(count):
            done = backlog(product, 2, status="done")
            make_roadmap_item(
                f"Item {n}",
                horizon=Horizon.values[n % 3],
                shared=bool(n % 2),
                target_date=datetime.date(2030, 1 + n % 12, 1),
                epics=[epic(product, f"Epic {n}")],
                backlog_items=done,
                requests=[StakeholderRequestFactory(product=product, backlog_item=done[0])],
                hypotheses=[HypothesisFactory(product=product)],
            )
        forecasting.recompute(product_id=product.pk)

    client = api.as_user(persona)
    grow(3)
    count = queries_of(lambda: client.get(f"{BASE}/items/"))
    grow(27)
    with django_assert_num_queries(count):
        client.get(f"{BASE}/items/")
