import pytest
from pytest_django.asserts import assertContains, assertNotContains

from apps.accounts.models import Membership, Role
from apps.products.models import OutcomeMetric, Product
from tests.factories import MembershipFactory, UserFactory
from tests.utils import allow_creating_products, queries_of


def test_anonymous_visitor_is_sent_to_sign_in(client, product):
    response = client.get(f"/p/{product.slug}/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_dashboard_lists_my_products_with_my_role_and_nothing_else(browser_client, stakeholder, product, other_product):
    response = browser_client.as_user(stakeholder).get("/")
    assertContains(response, product.name)
    assertContains(response, "Stakeholder")
    assertNotContains(response, other_product.name)


def test_dashboard_queries_do_not_grow_with_products(db, browser_client, django_assert_num_queries):
    user = UserFactory()
    client = browser_client.as_user(user)
    MembershipFactory(user=user)
    with_one = queries_of(lambda: client.get("/"))
    MembershipFactory.create_batch(10, user=user)
    with django_assert_num_queries(with_one):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member", "stakeholder"], indirect=True)
def test_every_member_sees_the_product_overview(browser_client, persona, product):
    response = browser_client.as_user(persona).get(f"/p/{product.slug}/")
    assertContains(response, "<strong>better</strong>", html=True)


def test_outsider_gets_404_for_every_product_page(browser_client, outsider, product):
    client = browser_client.as_user(outsider)
    for url in ["", "edit/", "members/"]:
        assert client.get(f"/p/{product.slug}/{url}").status_code == 404, url
    assert client.post(f"/p/{product.slug}/metrics/", {"name": "x"}).status_code == 404


def test_only_the_product_manager_may_edit_the_product(browser_client, pm, scrum_master, product):
    assert browser_client.as_user(scrum_master).get(f"/p/{product.slug}/edit/").status_code == 403
    response = browser_client.as_user(pm).post(
        f"/p/{product.slug}/edit/", {"name": "Recs", "kind": "ml", "vision": "New vision", "version": 1}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.vision) == ("Recs", "New vision")


def test_edit_buttons_are_hidden_from_roles_that_may_not_edit(browser_client, member, product):
    response = browser_client.as_user(member).get(f"/p/{product.slug}/")
    assertNotContains(response, f"/p/{product.slug}/edit/")
    assertNotContains(response, "Add an outcome metric")


def test_markdown_in_the_vision_is_sanitised(browser_client, pm, product):
    product.vision = "Hi <script>alert(1)</script> [x](javascript:alert(2))"
    product.save()
    response = browser_client.as_user(pm).get(f"/p/{product.slug}/")
    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, "javascript:alert")
    # The vision is there, rendered, only without what is unsafe.
    assertContains(response, '<p>Hi <a rel="noopener noreferrer nofollow">x</a></p>', html=True)


def test_pm_adds_an_outcome_metric(browser_client, pm, product):
    response = browser_client.as_user(pm).post(
        f"/p/{product.slug}/metrics/", {"name": "CTR", "unit": "%", "direction": "increase", "target": "3.5"}
    )
    assert response.status_code == 302
    assert OutcomeMetric.objects.get(product=product).name == "CTR"


def test_metric_without_a_name_is_refused_and_nothing_is_saved(browser_client, pm, product):
    response = browser_client.as_user(pm).post(f"/p/{product.slug}/metrics/", {"name": "", "direction": "increase"})
    assert response.status_code == 400
    assertContains(response, "This field is required", status_code=400)
    assert not OutcomeMetric.objects.exists()


def test_creating_a_product_makes_me_its_product_manager(browser_client, member):
    allow_creating_products(member)
    response = browser_client.as_user(member).post("/p/new/", {"name": "Churn model", "kind": "ml", "vision": ""})
    product = Product.objects.get(name="Churn model")
    assert response.url == f"/p/{product.slug}/"
    assert Membership.objects.get(product=product, user=member).role == Role.PRODUCT_MANAGER


def test_stakeholders_cannot_see_the_member_list(browser_client, stakeholder, product):
    assert browser_client.as_user(stakeholder).get(f"/p/{product.slug}/members/").status_code == 403


def test_pm_adds_a_member_by_email(browser_client, pm, product):
    newcomer = UserFactory(email="nina@example.com")
    response = browser_client.as_user(pm).post(
        f"/p/{product.slug}/members/", {"user": "NINA@example.com", "role": "stakeholder"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(product=product, user=newcomer).role == Role.STAKEHOLDER


def test_adding_an_unknown_person_says_so_and_changes_nothing(browser_client, pm, product):
    before = Membership.objects.count()
    response = browser_client.as_user(pm).post(f"/p/{product.slug}/members/", {"user": "ghost", "role": "member"})
    assertContains(response, "No user with username or email", status_code=400)
    assert Membership.objects.count() == before


def test_scrum_master_may_not_add_members(browser_client, scrum_master, product):
    response = browser_client.as_user(scrum_master).post(f"/p/{product.slug}/members/", {"user": "scrum", "role": "pm"})
    assert response.status_code == 403
    assert Membership.objects.get(user=scrum_master).role == Role.SCRUM_MASTER


def test_removing_the_last_product_manager_is_refused_with_a_message(browser_client, pm, product):
    membership = Membership.objects.get(user=pm, product=product)
    response = browser_client.as_user(pm).post(f"/p/{product.slug}/members/{membership.pk}/remove/", follow=True)
    assertContains(response, "at least one product manager")
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_metric_without_a_value_shows_a_dash_not_a_bare_unit(browser_client, pm, product):
    OutcomeMetric.objects.create(product=product, name="CTR", unit="%", target=3)
    response = browser_client.as_user(pm).get(f"/p/{product.slug}/")
    assertContains(response, "<td>3 %</td>", html=True)
    assertContains(response, "<td>–</td>", html=True, count=2)


def test_header_links_the_triage_inbox_only_for_people_who_triage(browser_client, scrum_master, stakeholder, product):
    assertContains(browser_client.as_user(scrum_master).get("/"), 'href="/requests/inbox/"')
    response = browser_client.as_user(stakeholder).get("/")
    assertNotContains(response, 'href="/requests/inbox/"')
    assertContains(response, 'href="/requests/mine/"')


def test_product_tabs_mark_the_current_section(browser_client, pm, product):
    response = browser_client.as_user(pm).get(f"/p/{product.slug}/members/")
    assertContains(response, f'<a href="/p/{product.slug}/members/" aria-current="page">Members</a>', html=True)
    assertNotContains(response, f'<a href="/p/{product.slug}/" aria-current="page">Overview</a>', html=True)


def test_two_pms_editing_the_product_at_once_lose_nothing(browser_client, pm, product):
    client = browser_client.as_user(pm)
    mine = {"name": "Recommender", "kind": "ml", "vision": "Mine", "version": 1}
    assert client.post(f"/p/{product.slug}/edit/", mine).status_code == 302
    response = client.post(f"/p/{product.slug}/edit/", {**mine, "vision": "Theirs"})
    assertContains(response, "changed by someone else", status_code=409)
    product.refresh_from_db()
    assert product.vision == "Mine"


def test_a_product_without_a_name_is_refused(browser_client, pm, product):
    response = browser_client.as_user(pm).post(
        f"/p/{product.slug}/edit/", {"name": " ", "kind": "ml", "vision": "", "version": 1}
    )
    assert response.status_code == 400
    product.refresh_from_db()
    assert product.name == "Recommender"


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member", "stakeholder"], indirect=True)
def test_only_people_the_site_allows_are_offered_a_new_product(browser_client, persona, product):
    client = browser_client.as_user(persona)
    for path in ("/", f"/p/{product.slug}/"):
        assertNotContains(client.get(path), "/p/new/")
    response = client.get("/p/new/")
    assertContains(response, "ask a site administrator", status_code=403)
    response = client.post("/p/new/", {"name": "Churn model", "kind": "ml", "vision": ""})
    assert response.status_code == 403
    assert not Product.objects.filter(name="Churn model").exists()


def test_a_person_given_the_permission_is_offered_a_new_product(browser_client, stakeholder, product):
    client = browser_client.as_user(allow_creating_products(stakeholder))
    assertContains(client.get("/"), "/p/new/")
    assert client.get("/p/new/").status_code == 200


def test_site_staff_are_offered_a_new_product(browser_client, db):
    client = browser_client.as_user(UserFactory(username="operator", is_staff=True))
    assertContains(client.get("/"), "/p/new/")
