import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.models import Role
from apps.accounts.permissions import Action, can, may_create_products, require, role_in
from apps.products.access import get_product, products_where
from tests.factories import MembershipFactory, ProductFactory, UserFactory
from tests.utils import allow_creating_products

# Written out by hand (not derived from POLICY) so a change to the policy must
# be made deliberately in both places.
EXPECTED = {
    Action.VIEW_PRODUCT: {"pm", "scrum_master", "member", "stakeholder"},
    Action.EDIT_PRODUCT: {"pm"},
    Action.VIEW_MEMBERS: {"pm", "scrum_master", "member"},
    Action.MANAGE_MEMBERS: {"pm"},
    Action.VIEW_BACKLOG: {"pm", "scrum_master", "member"},
    Action.ADD_BACKLOG_ITEM: {"pm", "scrum_master", "member"},
    Action.WORK_BACKLOG_ITEM: {"pm", "scrum_master", "member"},
    Action.EDIT_BACKLOG_ITEM: {"pm", "scrum_master"},
    Action.REORDER_BACKLOG: {"pm", "scrum_master"},
    Action.VIEW_REQUESTS: {"pm", "scrum_master", "member", "stakeholder"},
    Action.SUBMIT_REQUEST: {"pm", "scrum_master", "member", "stakeholder"},
    Action.VIEW_REQUEST_INTERNALS: {"pm", "scrum_master", "member"},
    Action.VIEW_TRIAGE_INBOX: {"pm", "scrum_master"},
    Action.TRIAGE_REQUESTS: {"pm"},
    Action.VIEW_SPRINTS: {"pm", "scrum_master", "member"},
    Action.WORK_SPRINT: {"pm", "scrum_master", "member"},
    Action.PLAN_SPRINTS: {"pm", "scrum_master"},
    Action.ALLOW_PARALLEL_SPRINTS: {"pm"},
    Action.VIEW_ASSUMPTIONS: {"pm", "scrum_master", "member"},
    Action.RECORD_ASSUMPTIONS: {"pm", "scrum_master", "member"},
    Action.VIEW_HAPPINESS_REPORTS: {"pm", "scrum_master", "member"},
    Action.MANAGE_SURVEYS: {"pm"},
    Action.VIEW_SHARED_ROADMAP: {"pm", "scrum_master", "member", "stakeholder"},
    Action.VIEW_ROADMAP: {"pm", "scrum_master", "member"},
    Action.EDIT_ROADMAP: {"pm"},
    Action.VIEW_DELIVERY_REPORTS: {"pm", "scrum_master", "member"},
    Action.MANAGE_DELIVERY_REPORTS: {"pm"},
    Action.VIEW_PUBLISHED_DELIVERY: {"pm", "scrum_master", "member", "stakeholder"},
    Action.RECORD_READINGS: {"pm", "scrum_master", "member"},
    Action.VIEW_PUBLISHED_HYPOTHESES: {"pm", "scrum_master", "member", "stakeholder"},
    Action.VIEW_HYPOTHESES: {"pm", "scrum_master", "member"},
    Action.MANAGE_HYPOTHESES: {"pm"},
    Action.PUBLISH_HYPOTHESES: {"pm"},
    Action.RECORD_EXPERIMENTS: {"pm", "scrum_master", "member"},
    Action.ASSESS_FEASIBILITY: {"pm", "scrum_master", "member"},
    Action.DECIDE_FEASIBILITY: {"pm"},
    Action.RECORD_GATE_RESULTS: {"pm", "scrum_master", "member"},
    Action.MANAGE_RELEASE_GATES: {"pm"},
    Action.SIGN_OFF_RELEASES: {"pm"},
    Action.VIEW_RETROS: {"pm", "scrum_master", "member"},
    Action.TAKE_PART_IN_RETRO: {"pm", "scrum_master", "member"},
    Action.FACILITATE_RETRO: {"pm", "scrum_master"},
}
PERSONAS = ["pm", "scrum_master", "member", "stakeholder", "outsider"]


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_each_role_may_do_exactly_what_the_policy_says(persona, action, product):
    expected = persona.username.replace("scrum", "scrum_master") in EXPECTED[action]
    assert can(persona, action, product) is expected


def test_every_action_has_a_hand_written_expectation():
    assert set(Action) == set(EXPECTED)


def test_outsider_gets_404_not_403_so_the_product_does_not_leak(outsider, product):
    with pytest.raises(Http404):
        require(outsider, Action.VIEW_PRODUCT, product)
    with pytest.raises(Http404):
        get_product(outsider, product.slug)


def test_member_without_the_right_gets_403(stakeholder, product):
    with pytest.raises(PermissionDenied):
        require(stakeholder, Action.VIEW_MEMBERS, product)


def test_unknown_slug_is_404(pm):
    with pytest.raises(Http404):
        get_product(pm, "no-such-product")


def test_get_product_records_the_viewers_role(scrum_master, product):
    assert get_product(scrum_master, product.slug).viewer_role == Role.SCRUM_MASTER


def test_anonymous_user_has_no_role(product):
    from django.contrib.auth.models import AnonymousUser

    assert role_in(AnonymousUser(), product) is None
    assert not can(AnonymousUser(), Action.VIEW_PRODUCT, product)


def test_roles_are_loaded_once_however_many_products_are_checked(django_assert_num_queries, pm):
    products = [MembershipFactory(user=pm, role=Role.STAKEHOLDER).product for _ in range(5)]
    with django_assert_num_queries(1):
        for each in products:
            assert can(pm, Action.VIEW_PRODUCT, each)


def test_products_where_lists_only_products_with_the_right(pm, product):
    stakeholder_of = MembershipFactory(user=pm, role=Role.STAKEHOLDER).product
    ProductFactory()  # not a member at all
    assert set(products_where(pm)) == {product, stakeholder_of}
    assert set(products_where(pm, Action.EDIT_PRODUCT)) == {product}


def test_who_may_create_products_is_a_site_decision_not_a_product_role(pm, stakeholder, db):
    assert not may_create_products(pm)  # managing one product is not enough
    assert not may_create_products(stakeholder)
    assert may_create_products(UserFactory(username="operator", is_staff=True))
    assert may_create_products(UserFactory(username="root", is_superuser=True))
    assert may_create_products(allow_creating_products(UserFactory(username="lead")))


def test_a_group_can_carry_the_right_to_create_products(db):
    creators = Group.objects.create(name="Product creators")
    creators.permissions.add(Permission.objects.get(content_type__app_label="products", codename="add_product"))
    person = UserFactory(username="lead")
    person.groups.add(creators)
    assert may_create_products(person)
