"""Changes to people and their memberships."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from apps.accounts.models import ApiToken, Membership, PasswordResetRequest, Role, User
from apps.accounts.permissions import POLICY, Action, forget_roles
from apps.core.exceptions import RateLimited

RESET_WINDOW = timedelta(hours=1)
# last_used_at is written at most this often per token, not on every request.
TOKEN_USE_PRECISION = timedelta(minutes=1)


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


def api_token_create(
    *,
    actor: User,
    name: str,
    lifetime_days: int,
    product_id: int | None = None,
    actions: Iterable[str] = (),
) -> tuple[ApiToken, str]:
    """A new token for `actor` and its secret, which is not stored and cannot
    be shown again. With a product, the token may do only the listed actions
    there (each one the actor's role allows) and nothing elsewhere."""
    name = (name or "").strip()
    chosen = sorted(set(actions))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Name the token after what uses it, such as the pipeline that pushes readings."
    if not 1 <= lifetime_days <= settings.API_TOKEN_MAX_DAYS:
        errors["expires_in_days"] = f"A token lives between 1 and {settings.API_TOKEN_MAX_DAYS} days."
    if unknown := [action for action in chosen if action not in {known.value for known in Action}]:
        errors["actions"] = f"Unknown action(s): {', '.join(unknown)}."
    elif product_id is None and chosen:
        errors["actions"] = "Actions limit a token to one product: choose the product too."
    elif product_id is not None:
        role = Membership.objects.filter(user=actor, product_id=product_id).values_list("role", flat=True).first()
        if role is None:
            errors["product"] = "You are not a member of this product."
        elif not chosen:
            errors["actions"] = "Choose what the token may do in the product."
        elif refused := [action for action in chosen if Role(role) not in POLICY[Action(action)]]:
            errors["actions"] = f"Your role in this product may not: {', '.join(refused)}."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    secret = ApiToken.SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        key_prefix=secret[:12],
        digest=ApiToken.digest_of(secret),
        product_id=product_id,
        actions=chosen,
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    ApiToken.objects.filter(user=actor, expires_at__lte=now).delete()
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, user=actor).delete()


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The live token with this secret (with its user), or None: unknown,
    revoked, expired, or its owner can no longer sign in."""
    if not secret or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(secret)).first()
    if token is None or token.is_expired or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
