"""Changes to people and their memberships."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from apps.accounts.models import Membership, PasswordResetRequest, Role, User
from apps.accounts.permissions import forget_roles
from apps.core.exceptions import RateLimited

RESET_WINDOW = timedelta(hours=1)


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


def password_reset_request_record(*, address: str, client: str) -> None:
    """Count a request for a password-reset email, or refuse it with
    RateLimited when the address or the client asked too often this hour.

    Counted whether or not an account uses the address, so the answer tells
    nothing about accounts. Rows live in the database: every web process
    sees the same counts. Two requests racing past the check at the same
    instant may both be sent; the limit is about floods, not the last unit.
    """
    now = timezone.now()
    since = now - RESET_WINDOW
    digest = salted_hmac("password-reset-address", address.strip().casefold()).hexdigest()
    PasswordResetRequest.objects.filter(requested_at__lt=now - timedelta(days=1)).delete()
    for field, value, limit, whom in (
        ("address_digest", digest, settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR, "were asked for this address"),
        ("client", client, settings.PASSWORD_RESETS_PER_CLIENT_PER_HOUR, "were asked for from your network"),
    ):
        recent = PasswordResetRequest.objects.filter(**{field: value, "requested_at__gte": since})
        times = list(recent.order_by("requested_at").values_list("requested_at", flat=True)[:limit])
        if len(times) >= limit:
            retry_after = (times[0] + RESET_WINDOW - now).total_seconds()
            minutes = max(1, round(retry_after / 60))
            raise RateLimited(
                f"Too many password-reset emails {whom} in the last hour. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}; the links already sent still work.",
                retry_after=int(retry_after) + 1,
            )
    PasswordResetRequest.objects.create(address_digest=digest, client=client[:45], requested_at=now)
