"""Changes to people and their memberships."""

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import Membership, Role, User
from apps.accounts.permissions import forget_roles


@transaction.atomic
def membership_set(*, actor: User, product, user: User, role: Role | str) -> Membership:
    """Give `user` the role in `product`, adding them if they are not a member yet."""
    role = _valid_role(role)
    membership = Membership.objects.select_for_update().filter(product=product, user=user).first()
    if membership is None:
        membership = Membership.objects.create(product=product, user=user, role=role)
    elif membership.role != role:
        _keep_a_product_manager(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    forget_roles(user)
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _keep_a_product_manager(membership)
    membership.delete()
    forget_roles(membership.user)


def _valid_role(role) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(Role.values)
        raise ValidationError({"role": f"Unknown role {role!r}; choose one of {choices}."}) from None


def _keep_a_product_manager(membership: Membership) -> None:
    if membership.role != Role.PRODUCT_MANAGER:
        return
    # Lock the product's PM rows so two concurrent demotions cannot both pass.
    others = (
        Membership.objects.select_for_update()
        .filter(product_id=membership.product_id, role=Role.PRODUCT_MANAGER)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError("A product needs at least one product manager; appoint another one first.")
