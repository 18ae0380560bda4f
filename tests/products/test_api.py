import pytest

from apps.accounts import services as accounts
from apps.accounts.models import ApiToken, Membership, Role
from apps.products.models import Product
from tests.factories import MembershipFactory, OutcomeMetricFactory, ProductFactory, UserFactory
from tests.utils import allow_creating_products, queries_of


def test_api_needs_authentication(api, product):
    assert api.get("/api/v1/products/").status_code in (401, 403)


def test_token_authentication_works(client, pm):
    # DRF's clear-text Token model is gone (issue 16): tokens are stored as digests only.
    _, secret = accounts.api_token_create(actor=pm, name="test", lifetime_days=1)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200
    assert response.json()["memberships"] == [{"product": "recommender", "role": "pm"}]


def test_token_is_obtained_with_username_and_password(api, pm):
    response = api.post("/api/v1/auth/token/", {"username": "pm", "password": "correct-horse-battery"})
    assert response.status_code == 200
    # The secret is returned once and only its digest is kept (issue 16).
    assert ApiToken.objects.get(user=pm).digest == ApiToken.digest_of(response.json()["token"])


def test_product_list_shows_only_my_products_and_counts_only_them(api, stakeholder, product, other_product):
    response = api.as_user(stakeholder).get("/api/v1/products/")
    body = response.json()
    assert body["count"] == 1
    assert [p["slug"] for p in body["results"]] == ["recommender"]
    assert body["results"][0]["my_role"] == "stakeholder"


def test_product_list_filters_by_kind(api, pm, product):
    MembershipFactory(user=pm, product=ProductFactory(kind=Product.Kind.PLATFORM), role=Role.STAKEHOLDER)
    response = api.as_user(pm).get("/api/v1/products/?kind=platform")
    assert [p["kind"] for p in response.json()["results"]] == ["platform"]


def test_product_list_queries_do_not_grow_with_products(db, api, django_assert_num_queries):
    user = UserFactory()
    client = api.as_user(user)
    MembershipFactory(user=user)
    with_one = queries_of(lambda: client.get("/api/v1/products/"))
    MembershipFactory.create_batch(15, user=user)
    with django_assert_num_queries(with_one):
        assert client.get("/api/v1/products/").json()["count"] == 16


def test_product_detail_includes_outcome_metrics(api, member, product):
    OutcomeMetricFactory(product=product, name="CTR")
    body = api.as_user(member).get("/api/v1/products/recommender/").json()
    assert [m["name"] for m in body["outcome_metrics"]] == ["CTR"]


def test_outsider_gets_404_for_a_product_and_its_memberships(api, outsider, product):
    client = api.as_user(outsider)
    assert client.get("/api/v1/products/recommender/").status_code == 404
    assert client.get("/api/v1/products/recommender/memberships/").status_code == 404
    assert client.patch("/api/v1/products/recommender/", {"name": "x"}).status_code == 404


def test_creating_a_product_makes_the_caller_its_pm(api, member):
    allow_creating_products(member)
    response = api.as_user(member).post("/api/v1/products/", {"name": "Fraud model", "kind": "ml"})
    assert response.status_code == 201
    product = Product.objects.get(slug=response.json()["slug"])
    assert Membership.objects.get(product=product, user=member).role == Role.PRODUCT_MANAGER


def test_creating_a_product_with_an_unknown_kind_is_refused(api, member):
    allow_creating_products(member)
    response = api.as_user(member).post("/api/v1/products/", {"name": "X", "kind": "quantum"})
    assert response.status_code == 400
    assert "kind" in response.json()
    assert not Product.objects.filter(name="X").exists()


@pytest.mark.parametrize("persona", ["scrum_master", "member", "stakeholder"], indirect=True)
def test_only_the_pm_may_edit_a_product(api, persona, pm, product):
    assert api.as_user(persona).patch("/api/v1/products/recommender/", {"name": "x"}).status_code == 403
    assert api.as_user(pm).patch("/api/v1/products/recommender/", {"name": "Recs", "version": 1}).status_code == 200
    product.refresh_from_db()
    assert product.name == "Recs"


def test_stakeholder_may_not_list_members(api, stakeholder, product):
    assert api.as_user(stakeholder).get("/api/v1/products/recommender/memberships/").status_code == 403


def test_team_member_lists_members_with_roles(api, pm, member, product):
    body = api.as_user(member).get("/api/v1/products/recommender/memberships/").json()
    assert {(m["user"]["username"], m["role"]) for m in body["results"]} == {("pm", "pm"), ("member", "member")}


def test_pm_adds_changes_and_removes_a_member(api, pm, product):
    newcomer = UserFactory()
    client = api.as_user(pm)
    created = client.post("/api/v1/products/recommender/memberships/", {"user_id": newcomer.pk, "role": "member"})
    assert created.status_code == 201
    url = f"/api/v1/products/recommender/memberships/{created.json()['id']}/"
    assert client.patch(url, {"role": "scrum_master"}).json()["role"] == "scrum_master"
    assert client.delete(url).status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()


def test_member_may_not_add_members(api, member, product):
    response = api.as_user(member).post(
        "/api/v1/products/recommender/memberships/", {"user_id": member.pk, "role": "pm"}
    )
    assert response.status_code == 403
    assert Membership.objects.get(user=member).role == Role.TEAM_MEMBER


def test_demoting_the_last_pm_is_a_clear_400(api, pm, product):
    membership = Membership.objects.get(user=pm)
    response = api.as_user(pm).patch(f"/api/v1/products/recommender/memberships/{membership.pk}/", {"role": "member"})
    assert response.status_code == 400
    assert "at least one product manager" in response.json()["non_field_errors"][0]


def test_bad_role_is_a_clear_400(api, pm, product):
    response = api.as_user(pm).post("/api/v1/products/recommender/memberships/", {"user_id": pm.pk, "role": "overlord"})
    assert response.status_code == 400
    assert "role" in response.json()


def test_schema_documents_the_endpoints(api, pm):
    response = api.as_user(pm).get("/api/schema/?format=json")
    paths = response.json()["paths"]
    assert "/api/v1/products/" in paths
    assert "/api/v1/products/{product_slug}/memberships/" in paths


def test_interactive_docs_are_served_without_a_cdn(client, pm):
    client.force_login(pm)
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html


def test_a_membership_id_that_is_not_a_number_is_a_404_not_a_500(api, pm, product):
    response = api.as_user(pm).patch(f"/api/v1/products/{product.slug}/memberships/abc/", {"role": "pm"}, format="json")
    assert response.status_code == 404


def test_a_stale_product_edit_is_refused_and_changes_nothing(api, pm, product):
    client = api.as_user(pm)
    assert client.patch("/api/v1/products/recommender/", {"vision": "Mine", "version": 1}).json()["version"] == 2
    response = client.patch("/api/v1/products/recommender/", {"vision": "Theirs", "version": 1})
    assert response.status_code == 409
    assert "changed by someone else" in response.json()["detail"]
    product.refresh_from_db()
    assert (product.vision, product.version) == ("Mine", 2)


def test_a_product_edit_without_a_version_is_refused(api, pm, product):
    response = api.as_user(pm).patch("/api/v1/products/recommender/", {"vision": "Blind overwrite"})
    assert response.status_code == 400
    assert "version" in response.json()
    product.refresh_from_db()
    assert product.vision != "Blind overwrite"


@pytest.mark.parametrize("persona", ["pm", "member", "stakeholder"], indirect=True)
def test_people_the_site_has_not_allowed_cannot_create_a_product(api, persona):
    response = api.as_user(persona).post("/api/v1/products/", {"name": "Fraud model", "kind": "ml"})
    assert response.status_code == 403
    assert "site administrator" in response.json()["detail"]
    assert not Product.objects.filter(name="Fraud model").exists()


def test_site_staff_may_create_a_product(api, db):
    staff = UserFactory(username="operator", is_staff=True)
    assert api.as_user(staff).post("/api/v1/products/", {"name": "Fraud model", "kind": "ml"}).status_code == 201
