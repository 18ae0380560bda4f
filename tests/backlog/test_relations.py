"""Links between items: blocks / is blocked by, relates to, duplicates, read
from both ends; refused for the same item, across products, twice, or both ways."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains

from apps.backlog import selectors, services
from apps.backlog.models import ItemRelation
from tests.factories import BacklogItemFactory


@pytest.fixture
def two(make_item):
    return make_item(title="Feature store"), make_item(title="Churn model")


def test_a_link_reads_right_from_both_ends(pm, two):
    store, model = two
    services.relation_add(actor=pm, item=model, relation="blocked_by", other=store)
    assert [(r["label"], r["other"].number) for r in selectors.item_relations(store)] == [("blocks", model.number)]
    assert [(r["label"], r["other"].number) for r in selectors.item_relations(model)] == [
        ("is blocked by", store.number)
    ]
    services.relation_add(actor=pm, item=store, relation="duplicates", other=model)
    assert "is duplicated by" in [r["label"] for r in selectors.item_relations(model)]


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("blocks", "blocks", "already blocks"),
        ("relates", "relates", "already relates to"),  # asked from the other end: the same link
        ("blocks", "blocked_by", "two items cannot block each other"),
    ],
)
def test_the_same_link_twice_or_a_block_both_ways_is_refused(pm, two, first, second, message):
    store, model = two
    services.relation_add(actor=pm, item=store, relation=first, other=model)
    with pytest.raises(ValidationError, match=message):
        services.relation_add(
            actor=pm,
            item=store if second != "relates" else model,
            relation=second,
            other=model if second != "relates" else store,
        )
    assert ItemRelation.objects.count() == 1


def test_an_item_cannot_block_itself_nor_link_across_products(pm, make_item, other_product):
    item = make_item()
    with pytest.raises(ValidationError, match="cannot be linked to itself"):
        services.relation_add(actor=pm, item=item, relation="blocks", other=item)
    foreign = BacklogItemFactory(product=other_product)
    with pytest.raises(ValidationError, match="same product"):
        services.relation_add(actor=pm, item=item, relation="blocks", other=foreign)
    with pytest.raises(ValidationError, match="Choose one of"):
        services.relation_add(actor=pm, item=item, relation="owns", other=make_item())
    assert not ItemRelation.objects.exists()


def test_linking_from_the_item_page(browser_client, member, two, other_product):
    store, model = two
    client = browser_client.as_user(member)
    url = f"/p/recommender/backlog/items/{model.number}/relations/"
    response = client.post(url, {"relation": "blocked_by", "other": f"#{store.number}"}, follow=True)
    assertContains(response, "is blocked by")
    assertContains(response, f"#{store.number} Feature store")
    for bad, message in [
        ({"relation": "blocks", "other": str(model.number)}, "cannot be linked to itself"),
        ({"relation": "blocks", "other": "999"}, "There is no item #999 in this backlog."),
        ({"relation": "blocks", "other": "abc"}, "There is no item #abc in this backlog."),
        ({"relation": "owns", "other": str(store.number)}, "Select a valid choice"),
    ]:
        response = client.post(url, bad, follow=True)
        assert response.status_code == 200
        assertContains(response, message)
    foreign = BacklogItemFactory(product=other_product)
    response = client.post(url, {"relation": "blocks", "other": str(foreign.number)}, follow=True)
    assert ItemRelation.objects.count() == 1
    relation = ItemRelation.objects.get()
    response = client.post(f"/p/recommender/backlog/relations/{relation.pk}/remove/", {"from": model.number})
    assert response.status_code == 302
    assert not ItemRelation.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("stakeholder", 403), ("outsider", 404)], indirect=["persona"])
def test_people_who_may_not_work_the_backlog_cannot_link(browser_client, api, persona, status, pm, two):
    store, model = two
    relation = services.relation_add(actor=pm, item=store, relation="blocks", other=model)
    client = browser_client.as_user(persona)
    assert (
        client.post(
            f"/p/recommender/backlog/items/{model.number}/relations/", {"relation": "relates", "other": "1"}
        ).status_code
        == status
    )
    assert client.post(f"/p/recommender/backlog/relations/{relation.pk}/remove/").status_code == status
    assert (
        api.as_user(persona).get(f"/api/v1/products/recommender/backlog/items/{model.number}/relations/").status_code
        == status
    )
    assert ItemRelation.objects.count() == 1


def test_relations_through_the_api(api, member, two):
    store, model = two
    client = api.as_user(member)
    url = f"/api/v1/products/recommender/backlog/items/{store.number}/relations/"
    created = client.post(url, {"relation": "blocks", "other": model.number}, format="json")
    assert created.status_code == 201
    assert created.json() == [
        {
            "id": ItemRelation.objects.get().pk,
            "relation": "blocks",
            "kind": "blocks",
            "item": model.number,
            "title": "Churn model",
            "status": "new",
        }
    ]
    assert client.post(url, {"relation": "blocks", "other": store.number}, format="json").status_code == 400
    assert client.post(url, {"relation": "blocks", "other": 999}, format="json").json() == {
        "other": ["There is no item #999 in this backlog."]
    }
    assert client.post(url, {"relation": "nope", "other": 1}, format="json").status_code == 400
    other_side = client.get(f"/api/v1/products/recommender/backlog/items/{model.number}/relations/").json()
    assert other_side[0]["relation"] == "is blocked by"
    relation_id = other_side[0]["id"]
    assert client.delete(f"/api/v1/products/recommender/backlog/relations/{relation_id}/").status_code == 204
    assert client.delete(f"/api/v1/products/recommender/backlog/relations/{relation_id}/").status_code == 404


def test_planning_warns_of_a_blocker_neither_done_nor_in_the_sprint(
    browser_client, pm, scrum_master, product, make_item
):
    from apps.sprints import services as sprints
    from apps.sprints.selectors import entry_warnings, sprint_entries

    blocker = make_item(title="Data access", status="ready", points=2, acceptance_criteria=["x"])
    blocked = make_item(title="Model", status="ready", points=3, acceptance_criteria=["x"])
    services.relation_add(actor=pm, item=blocked, relation="blocked_by", other=blocker)
    sprint = sprints.sprint_create(
        actor=pm,
        product=product,
        name="S1",
        start_date=datetime.date(2031, 1, 6),
        end_date=datetime.date(2031, 1, 17),
    )
    sprints.sprint_item_add(actor=pm, sprint=sprint, item=blocked)
    (entry,) = sprint_entries(sprint)
    assert f"blocked by #{blocker.number}, not done and not in this sprint" in entry_warnings(entry)
    page = browser_client.as_user(scrum_master).get(f"/p/recommender/sprints/{sprint.pk}/plan/")
    assertContains(page, f"blocked by #{blocker.number}, not done and not in this sprint")
    sprints.sprint_item_add(actor=pm, sprint=sprint, item=blocker)
    assert all(not e.blocked_by_outside for e in sprint_entries(sprint)), "in the sprint now: no warning"
