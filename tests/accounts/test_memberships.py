import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import Membership, Role
from apps.accounts.permissions import role_in
from apps.accounts.services import membership_remove, membership_set
from tests.factories import UserFactory


def test_membership_set_adds_a_person_with_a_role(pm, product):
    newcomer = UserFactory()
    membership_set(actor=pm, product=product, user=newcomer, role=Role.TEAM_MEMBER)
    assert role_in(newcomer, product) == Role.TEAM_MEMBER


def test_membership_set_changes_an_existing_role(pm, member, product):
    assert role_in(member, product) == Role.TEAM_MEMBER
    membership_set(actor=pm, product=product, user=member, role="scrum_master")
    assert Membership.objects.get(user=member, product=product).role == Role.SCRUM_MASTER


def test_unknown_role_is_refused_with_the_choices(pm, member, product):
    with pytest.raises(ValidationError, match="Unknown role 'boss'"):
        membership_set(actor=pm, product=product, user=member, role="boss")
    assert Membership.objects.get(user=member, product=product).role == Role.TEAM_MEMBER


def test_the_last_product_manager_cannot_leave_or_be_demoted(pm, product):
    with pytest.raises(ValidationError, match="at least one product manager"):
        membership_set(actor=pm, product=product, user=pm, role=Role.TEAM_MEMBER)
    with pytest.raises(ValidationError, match="at least one product manager"):
        membership_remove(actor=pm, membership=Membership.objects.get(user=pm, product=product))
    assert Membership.objects.get(user=pm, product=product).role == Role.PRODUCT_MANAGER


def test_a_product_manager_may_step_down_once_another_exists(pm, member, product):
    membership_set(actor=pm, product=product, user=member, role=Role.PRODUCT_MANAGER)
    membership_set(actor=pm, product=product, user=pm, role=Role.TEAM_MEMBER)
    assert role_in(pm, product) == Role.TEAM_MEMBER
