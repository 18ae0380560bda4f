import pytest

from apps.backlog.models import BacklogItem
from tests.factories import AcceptanceCriterionFactory, BacklogItemFactory, BlockerFactory, LabelFactory, ProductFactory
from tests.utils import queries_of

BASE = "/api/v1/products/recommender/backlog"


def test_team_creates_an_item_with_criteria_labels_and_a_range(api, member, product, label):
    response = api.as_user(member).post(
        f"{BASE}/items/",
        {
            "title": "Cold-start recommendations",
            "kind": "experiment",
            "labels": ["ml"],
            "acceptance_criteria": ["CTR +2% for new users in an A/B test"],
            "estimate_optimistic": "2",
            "estimate_likely": "3",
            "estimate_pessimistic": "13",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["labels"], body["is_highly_uncertain"]) == (1, ["ml"], True)
    assert [c["text"] for c in body["acceptance_criteria"]] == ["CTR +2% for new users in an A/B test"]
    assert body["allowed_statuses"] == ["ready", "dropped"]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"title": ""}, "title"),
        ({"title": "x", "kind": "saga"}, "kind"),
        ({"title": "x", "labels": ["nope"]}, "labels"),
    ],
)
def test_bad_input_on_create_is_a_clear_400_and_nothing_is_saved(api, pm, product, payload, field):
    response = api.as_user(pm).post(f"{BASE}/items/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not BacklogItem.objects.exists()


def test_an_incomplete_range_is_a_400(api, pm, product):
    response = api.as_user(pm).post(f"{BASE}/items/", {"title": "x", "estimate_likely": "3"}, format="json")
    assert response.status_code == 400
    assert "all three" in str(response.json())


@pytest.mark.parametrize("persona", ["stakeholder", "outsider"], indirect=True)
def test_stakeholders_and_outsiders_see_nothing_of_the_backlog(api, persona, product, make_item):
    item = make_item()
    blocker = BlockerFactory(item=item)
    criterion = AcceptanceCriterionFactory(item=item)
    expected = 404 if persona.username == "outsider" else 403
    client = api.as_user(persona)
    assert client.get(f"{BASE}/items/").status_code == expected
    assert client.get(f"{BASE}/items/{item.number}/").status_code == expected
    assert client.get(f"{BASE}/labels/").status_code == expected
    assert client.post(f"{BASE}/items/", {"title": "x"}).status_code == expected
    assert client.post(f"{BASE}/items/{item.number}/move/", {"to": "top"}).status_code == expected
    assert client.get(f"{BASE}/items/{item.number}/history/").status_code == expected
    assert client.post(f"{BASE}/items/bulk/", {"items": [item.number], "status": "dropped"}).status_code == expected
    assert client.post(f"{BASE}/items/{item.number}/blockers/", {"reason": "x"}).status_code == expected
    assert client.post(f"{BASE}/blockers/{blocker.pk}/resolve/").status_code == expected
    assert client.patch(f"{BASE}/criteria/{criterion.pk}/", {"met": True}, format="json").status_code == expected
    assert client.delete(f"{BASE}/items/{item.number}/").status_code == expected
    item.refresh_from_db()
    blocker.refresh_from_db()
    criterion.refresh_from_db()
    assert (item.status, blocker.resolved_at, criterion.met) == ("new", None, False)


def test_a_member_changes_status_estimate_and_assignee_but_not_the_title(api, member, product, make_item):
    item = make_item(title="Keep")
    client = api.as_user(member)
    response = client.patch(
        f"{BASE}/items/{item.number}/",
        {"version": 1, "story_points": "5", "assignee": "member", "status": "dropped"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    # One edit, one new version (issue 16: fields and status together bumped it twice).
    assert (response.json()["status"], response.json()["assignee"], response.json()["version"]) == (
        "dropped",
        "member",
        2,
    )
    response = client.patch(f"{BASE}/items/{item.number}/", {"version": 2, "title": "Changed"}, format="json")
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "Keep"


@pytest.mark.parametrize("persona", ["pm", "scrum_master"], indirect=True)
def test_leads_edit_everything(api, persona, product, make_item, label):
    item = make_item()
    response = api.as_user(persona).patch(
        f"{BASE}/items/{item.number}/", {"version": 1, "title": "New title", "labels": ["ml"]}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["labels"]) == ("New title", ["ml"])


def test_a_stale_edit_is_a_409_with_a_clear_message_and_nothing_changes(api, pm, scrum_master, product, make_item):
    item = make_item(title="Original")
    api.as_user(scrum_master).patch(f"{BASE}/items/{item.number}/", {"version": 1, "title": "SM's"}, format="json")
    response = api.as_user(pm).patch(f"{BASE}/items/{item.number}/", {"version": 1, "title": "PM's"}, format="json")
    assert response.status_code == 409
    assert "changed by someone else" in response.json()["detail"]
    item.refresh_from_db()
    assert item.title == "SM's"


def test_an_illegal_status_jump_or_unknown_status_is_a_400(api, pm, product, make_item):
    item = make_item()
    client = api.as_user(pm)
    response = client.patch(f"{BASE}/items/{item.number}/", {"version": 1, "status": "done"}, format="json")
    assert response.status_code == 400 and "cannot go from New to Done" in str(response.json())
    response = client.patch(f"{BASE}/items/{item.number}/", {"version": 1, "status": "shipped"}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    item.refresh_from_db()
    assert (item.status, item.version) == ("new", 1)


def test_a_status_only_edit_and_a_fields_only_edit_each_bump_the_version_once(api, pm, product, make_item):
    item = make_item(title="Before")
    client = api.as_user(pm)
    url = f"{BASE}/items/{item.number}/"
    assert client.patch(url, {"version": 1, "status": "dropped"}, format="json").json()["version"] == 2
    assert client.patch(url, {"version": 2, "title": "After"}, format="json").json()["version"] == 3
    assert client.patch(url, {"version": 3, "title": "Again", "status": "new"}, format="json").json()["version"] == 4
    stale = client.patch(url, {"version": 3, "title": "Stale"}, format="json")
    assert stale.status_code == 409


def test_a_combined_edit_is_all_or_nothing(api, pm, product, make_item):
    item = make_item(title="Before")
    response = api.as_user(pm).patch(
        f"{BASE}/items/{item.number}/", {"version": 1, "title": "After", "status": "ready"}, format="json"
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert (item.title, item.version) == ("Before", 1)


def test_reorder_before_after_and_to_the_top(api, pm, product, make_item):
    a, b, c = make_item(), make_item(), make_item()
    client = api.as_user(pm)
    assert client.post(f"{BASE}/items/{c.number}/move/", {"before": a.number}).status_code == 200
    assert client.post(f"{BASE}/items/{a.number}/move/", {"after": b.number}).status_code == 200
    numbers = [i["number"] for i in client.get(f"{BASE}/items/").json()["results"]]
    assert numbers == [c.number, b.number, a.number]
    client.post(f"{BASE}/items/{a.number}/move/", {"to": "top"})
    assert client.get(f"{BASE}/items/").json()["results"][0]["number"] == a.number


def test_moving_next_to_an_item_of_another_product_is_a_400_and_nothing_moves(api, pm, product, make_item):
    item = make_item()
    foreign = BacklogItemFactory(product=ProductFactory(), number=999)
    rank = item.rank
    response = api.as_user(pm).post(f"{BASE}/items/{item.number}/move/", {"before": foreign.number})
    assert response.status_code == 400
    assert response.json() == {"before": ["No item #999 in this backlog."]}
    item.refresh_from_db()
    assert item.rank == rank


def test_move_needs_exactly_one_place(api, pm, product, make_item):
    item = make_item()
    response = api.as_user(pm).post(f"{BASE}/items/{item.number}/move/", {"before": 1, "to": "top"})
    assert response.status_code == 400


def test_members_may_not_reorder(api, member, product, make_item):
    a, b = make_item(), make_item()
    assert api.as_user(member).post(f"{BASE}/items/{b.number}/move/", {"before": a.number}).status_code == 403


def test_filters_match_the_pages_filters(api, pm, member, product, make_item, label):
    epic = make_item(kind="epic", title="Personalisation")
    labelled = make_item(title="Ranking model", parent=epic, assignee=member, labels=[label])
    blocked = make_item(title="Clickstream access")
    BlockerFactory(item=blocked)
    uncertain = make_item(title="Vision", estimate_optimistic=1, estimate_likely=2, estimate_pessimistic=20)
    client = api.as_user(pm)

    def numbers(query):
        response = client.get(f"{BASE}/items/?{query}")
        assert response.status_code == 200, response.json()
        return [i["number"] for i in response.json()["results"]]

    assert numbers("label=ml") == [labelled.number]
    assert numbers(f"epic={epic.number}") == [labelled.number]
    assert numbers("assignee=member") == [labelled.number]
    assert numbers("blocked=true") == [blocked.number]
    assert numbers("uncertain=true") == [uncertain.number]
    assert numbers("kind=epic") == [epic.number]
    assert numbers("q=ranking") == [labelled.number]
    assert numbers(f"q=%23{blocked.number}") == [blocked.number]
    assert len(numbers("assignee=none")) == 3


def test_an_unknown_filter_value_is_a_400(api, pm, product):
    response = api.as_user(pm).get(f"{BASE}/items/?status=shipped")
    assert response.status_code == 400 and "status" in response.json()


def test_bulk_update_needs_the_rights_of_each_change(api, pm, member, product, make_item, label):
    items = [make_item() for _ in range(3)]
    numbers = [i.number for i in items]
    client = api.as_user(member)
    assert client.post(f"{BASE}/items/bulk/", {"items": numbers, "add_label": "ml"}, format="json").status_code == 403
    response = client.post(f"{BASE}/items/bulk/", {"items": numbers, "assignee": "member"}, format="json")
    assert response.status_code == 200
    assert {i["assignee"] for i in response.json()} == {"member"}
    response = api.as_user(pm).post(
        f"{BASE}/items/bulk/", {"items": numbers, "add_label": "ml", "move_to_top": True}, format="json"
    )
    assert response.status_code == 200
    assert label.items.count() == 3


def test_bulk_with_an_unknown_item_is_a_400_and_nothing_changes(api, pm, product, make_item):
    item = make_item()
    response = api.as_user(pm).post(
        f"{BASE}/items/bulk/", {"items": [item.number, 404], "status": "dropped"}, format="json"
    )
    assert response.status_code == 400 and "#404" in str(response.json())
    item.refresh_from_db()
    assert item.status == "new"


def test_criteria_are_added_by_leads_and_ticked_by_the_team(api, pm, member, product, make_item):
    item = make_item()
    assert api.as_user(member).post(f"{BASE}/items/{item.number}/criteria/", {"text": "x"}).status_code == 403
    created = api.as_user(pm).post(f"{BASE}/items/{item.number}/criteria/", {"text": "Precision@10 ≥ 0.3"})
    assert created.status_code == 201
    url = f"{BASE}/criteria/{created.json()['id']}/"
    assert api.as_user(member).patch(url, {"met": True}, format="json").json()["met"] is True
    assert api.as_user(member).patch(url, {"text": "weaker"}, format="json").status_code == 403


def test_the_team_flags_and_resolves_a_data_access_blocker(api, member, product, make_item):
    item = make_item()
    client = api.as_user(member)
    created = client.post(
        f"{BASE}/items/{item.number}/blockers/", {"kind": "data_access", "reason": "PII approval pending"}
    )
    assert created.status_code == 201
    assert client.get(f"{BASE}/items/?blocked=true").json()["count"] == 1
    resolved = client.post(f"{BASE}/blockers/{created.json()['id']}/resolve/")
    assert resolved.json()["resolved_by"] == "member"
    assert client.post(f"{BASE}/blockers/{created.json()['id']}/resolve/").status_code == 400


def test_history_shows_who_changed_what(api, pm, product):
    client = api.as_user(pm)
    number = client.post(f"{BASE}/items/", {"title": "Baseline"}, format="json").json()["number"]
    client.patch(f"{BASE}/items/{number}/", {"version": 1, "title": "Baseline v2"}, format="json")
    history = client.get(f"{BASE}/items/{number}/history/").json()
    assert history[0]["who"] == str(pm)
    assert history[0]["changes"] == [{"field": "title", "old": "Baseline", "new": "Baseline v2"}]


def test_leads_delete_items_members_may_not(api, pm, member, product, make_item):
    item = make_item()
    assert api.as_user(member).delete(f"{BASE}/items/{item.number}/").status_code == 403
    assert api.as_user(pm).delete(f"{BASE}/items/{item.number}/").status_code == 204
    assert not BacklogItem.objects.exists()


def test_labels_are_listed_to_the_team_and_created_by_leads(api, pm, member, product, label):
    assert api.as_user(member).get(f"{BASE}/labels/").json() == [{"id": label.pk, "name": "ml", "color": "#667085"}]
    assert api.as_user(member).post(f"{BASE}/labels/", {"name": "data"}).status_code == 403
    assert api.as_user(pm).post(f"{BASE}/labels/", {"name": "data", "color": "#123456"}).status_code == 201
    assert api.as_user(pm).post(f"{BASE}/labels/", {"name": "DATA"}).status_code == 400


def fill(product, count, epic, labels):
    start = BacklogItem.objects.filter(product=product).count()
    items = BacklogItem.objects.bulk_create(
        BacklogItem(
            product=product, number=start + i + 1000, rank=(start + i + 1000) * 1024, title=f"Item {i}", parent=epic
        )
        for i in range(count)
    )
    BacklogItem.labels.through.objects.bulk_create(
        BacklogItem.labels.through(backlogitem=item, label=label) for item in items for label in labels
    )
    for item in items[:3]:
        BlockerFactory(item=item)
        AcceptanceCriterionFactory(item=item)


def test_list_queries_do_not_grow_with_items(api, pm, member, product, django_assert_num_queries):
    epic = BacklogItemFactory(product=product, kind="epic")
    labels = [LabelFactory(product=product), LabelFactory(product=product)]
    client = api.as_user(pm)
    fill(product, 5, epic, labels)
    small = queries_of(lambda: client.get(f"{BASE}/items/?label={labels[0].name}"))
    fill(product, 120, epic, labels)
    with django_assert_num_queries(small):
        assert client.get(f"{BASE}/items/?label={labels[0].name}").json()["count"] == 125


def test_schema_documents_the_backlog_endpoints(api, pm):
    paths = api.as_user(pm).get("/api/schema/?format=json").json()["paths"]
    assert f"{BASE.replace('recommender', '{product_slug}')}/items/{{number}}/move/" in paths
    assert f"{BASE.replace('recommender', '{product_slug}')}/items/bulk/" in paths


def test_bulk_item_numbers_too_large_for_the_database_are_a_400(api, pm, make_item):
    make_item()
    response = api.as_user(pm).post(f"{BASE}/items/bulk/", {"items": [10**25], "status": "ready"}, format="json")
    assert response.status_code == 400 and "items" in response.json()


def test_criteria_blockers_and_items_of_another_product_or_with_impossible_ids_are_404(api, pm, other_product):
    foreign_item = BacklogItemFactory(product=other_product)
    criterion = AcceptanceCriterionFactory(item=foreign_item)
    blocker = BlockerFactory(item=foreign_item)
    client = api.as_user(pm)
    for criterion_id in (criterion.pk, 10**25):
        assert client.patch(f"{BASE}/criteria/{criterion_id}/", {"met": True}, format="json").status_code == 404
        assert client.delete(f"{BASE}/criteria/{criterion_id}/").status_code == 404
    for blocker_id in (blocker.pk, 10**25):
        assert client.post(f"{BASE}/blockers/{blocker_id}/resolve/").status_code == 404
    for number in (foreign_item.number, 2**31, 10**25):
        assert client.get(f"{BASE}/items/{number}/").status_code == 404
    criterion.refresh_from_db()
    blocker.refresh_from_db()
    assert (criterion.met, blocker.resolved_at) == (False, None)


def test_moving_next_to_an_item_number_beyond_the_column_is_a_400(api, pm, product, make_item):
    item = make_item()
    response = api.as_user(pm).post(f"{BASE}/items/{item.number}/move/", {"before": 10**12})
    assert response.status_code == 400 and "before" in response.json()


def test_the_list_shapes_each_item_exactly_as_the_item_serializer_does(api, pm, member, product):
    from decimal import Decimal

    from django.utils import timezone

    from apps.backlog import selectors
    from apps.backlog.serializers import BacklogItemSerializer

    epic = BacklogItemFactory(product=product, kind="epic", title="Epic")
    ml, data = LabelFactory(product=product, name="ml"), LabelFactory(product=product, name="data")
    plain = BacklogItemFactory(product=product, title="Plain")
    ranged = BacklogItemFactory(
        product=product,
        parent=epic,
        assignee=member,
        description="Long **text**",
        estimate_optimistic=Decimal("1.5"),
        estimate_likely=Decimal("2"),
        estimate_pessimistic=Decimal("13"),
    )
    pointed = BacklogItemFactory(product=product, story_points=Decimal("3"), status="done", done_at=timezone.now())
    ranged.labels.set([ml, data])
    pointed.labels.set([data])
    BlockerFactory(item=plain)
    listed = api.as_user(pm).get(f"{BASE}/items/?page_size=1000").json()["results"]
    models = selectors.backlog_items(product)
    assert listed == [BacklogItemSerializer(item).data for item in models]
    assert [row["labels"] for row in listed if row["number"] == ranged.number] == [["data", "ml"]]


def test_up_to_1000_items_come_in_one_call(api, pm, product):
    fill(product, 250, None, [])
    body = api.as_user(pm).get(f"{BASE}/items/?page_size=1000").json()
    assert (body["count"], len(body["results"]), body["next"]) == (250, 250, None)
