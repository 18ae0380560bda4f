"""Global search: ranked, across every product the person may see, and
never finding what a page would hide (the backlog for stakeholders, other
people's private requests, internal roadmap items and notes, other products)."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from apps.home import search
from apps.roadmap import services as roadmap
from tests.factories import BacklogItemFactory, MembershipFactory, StakeholderRequestFactory
from tests.utils import queries_of


@pytest.fixture
def world(product, other_product, pm, member, stakeholder, outsider):
    """The word "churn" in everything, in both products."""
    other_stakeholder = MembershipFactory(product=product, role="stakeholder").user
    return {
        "item": BacklogItemFactory(product=product, title="Churn model v2", description="gradient boosting"),
        "foreign_item": BacklogItemFactory(product=other_product, title="Churn dashboard"),
        "public": StakeholderRequestFactory(product=product, requester=other_stakeholder, title="Churn export"),
        "private": StakeholderRequestFactory(
            product=product, requester=other_stakeholder, title="Churn for VIPs", visibility="private"
        ),
        "mine": StakeholderRequestFactory(
            product=product, requester=stakeholder, title="My churn question", visibility="private"
        ),
        "shared": roadmap.item_create(
            actor=pm, product=product, title="Churn v3 launch", shared=True, internal_notes="secret budget"
        ),
        "internal": roadmap.item_create(actor=pm, product=product, title="Churn cost cut", shared=False),
        "notes_only": roadmap.item_create(
            actor=pm, product=product, title="Platform work", shared=True, internal_notes="the churn reason"
        ),
    }


def titles(user, query="churn"):
    return {hit.title for hit in search.search(user, query, limit=50)}


def test_the_team_finds_everything_of_its_product_and_nothing_of_another(world, member):
    assert titles(member) == {
        "Churn model v2",
        "Churn export",
        "Churn for VIPs",
        "My churn question",
        "Churn v3 launch",
        "Churn cost cut",
        "Platform work",
    }


def test_a_stakeholder_finds_no_backlog_no_private_request_of_others_no_internal_roadmap(world, stakeholder):
    assert titles(stakeholder) == {"Churn export", "My churn question", "Churn v3 launch"}
    assert titles(stakeholder, "secret budget") == set(), "internal notes are not searched for stakeholders"
    assert titles(stakeholder, "#1") == set()


def test_an_outsider_finds_only_their_own_product(world, outsider):
    assert titles(outsider) == {"Churn dashboard"}


def test_a_title_match_ranks_above_a_description_match(product, member):
    BacklogItemFactory(product=product, title="Feature store", description="needed for churn work")
    BacklogItemFactory(product=product, title="Churn labels")
    assert [hit.title for hit in search.search(member, "churn")][:1] == ["Churn labels"]


def test_references_jump_straight_to_the_one_thing(browser_client, world, member, stakeholder):
    item, public = world["item"], world["public"]
    response = browser_client.as_user(member).get(f"/search/?q=%23{item.number}")
    assert response.status_code == 302
    assert response["Location"] == f"/p/recommender/backlog/items/{item.number}/"
    response = browser_client.as_user(member).get(f"/search/?q=r-{public.number}")
    assert response["Location"] == f"/p/recommender/requests/{public.number}/"
    response = browser_client.as_user(stakeholder).get(f"/search/?q=%23{item.number}")
    assertContains(response, "Nothing numbered")
    response = browser_client.as_user(stakeholder).get(f"/search/?q=R-{world['private'].number}")
    assertContains(response, "Nothing numbered")


def test_the_search_page_lists_ranked_hits_with_their_product(browser_client, world, stakeholder):
    response = browser_client.as_user(stakeholder).get("/search/?q=churn")
    assertContains(response, "Churn export")
    assertContains(response, "Churn v3 launch")
    assertNotContains(response, "Churn model v2")
    assertNotContains(response, "Churn for VIPs")
    assertNotContains(response, "Churn cost cut")
    assertContains(browser_client.get("/search/?q=churn&kind=requests"), "Churn export")
    assertNotContains(browser_client.get("/search/?q=churn&kind=requests"), "Churn v3 launch")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 5000,
        "%",
        "'; drop table x; --",
        '"unclosed',
        "-",
        "churn -",
        "#",
        "#99999999999999999",
        "R-",
        "!!!",
    ],
)
def test_odd_queries_never_fail(browser_client, api, world, member, query):
    assert browser_client.as_user(member).get("/search/", {"q": query, "page": "x"}).status_code in (200, 302)
    assert api.as_user(member).get("/api/v1/search/", {"q": query or "x"}).status_code in (200, 400)


def test_the_api_searches_the_same_way(api, world, stakeholder):
    hits = api.as_user(stakeholder).get("/api/v1/search/", {"q": "churn"}).json()
    assert {hit["title"] for hit in hits} == {"Churn export", "My churn question", "Churn v3 launch"}
    assert api.as_user(stakeholder).get("/api/v1/search/").status_code == 400


def test_search_runs_the_same_number_of_queries_however_many_hits(
    browser_client, product, member, django_assert_num_queries
):
    client = browser_client.as_user(member)
    BacklogItemFactory(product=product, title="churn a")
    few = queries_of(lambda: client.get("/search/?q=churn"))
    BacklogItemFactory.create_batch(30, product=product, title="churn b")
    StakeholderRequestFactory.create_batch(5, product=product, title="churn c")
    with django_assert_num_queries(few):
        assert client.get("/search/?q=churn").status_code == 200


def test_the_first_hits_are_the_best_of_all_of_them_and_never_another_products(product, other_product, member):
    """Each provider keeps only the best `limit` of its matches (in the database,
    on PostgreSQL): a short list is the head of a long one, in the same order,
    and a better match in a product the person may not see takes no place in it."""
    for n in range(25):
        BacklogItemFactory(product=product, title=f"item {n}", description=" ".join(["churn"] * (1 + n % 7)))
    BacklogItemFactory(product=product, title="Churn churn", description="churn churn churn")
    BacklogItemFactory(product=other_product, title="Churn churn churn", description="churn churn churn churn")
    everything = [(hit.title, hit.rank) for hit in search.search(member, "churn", kinds=["items"], limit=50)]
    assert len(everything) == 26
    assert [rank for _, rank in everything] == sorted((rank for _, rank in everything), reverse=True)
    for limit in (1, 5, 21):
        head = [(hit.title, hit.rank) for hit in search.search(member, "churn", kinds=["items"], limit=limit)]
        assert head == everything[:limit]
    assert everything[0][0] == "Churn churn"
