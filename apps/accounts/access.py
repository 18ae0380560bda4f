"""The way to a person's own memberships and API tokens, for the profile
page and the API alike: nobody reaches another person's tokens (404)."""

from django.db.models import QuerySet

from apps.accounts.models import ApiToken, Membership
from apps.core.lookups import one_by_id


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("product")


def access_api_token(user, token_id) -> ApiToken:
    return one_by_id(api_tokens_of(user), token_id, "No such token of yours.")


def memberships_of(user, *, product_id: int | None = None) -> QuerySet[Membership]:
    """The person's memberships with their products, by product name (only one
    product's when `product_id` is given, e.g. a product-scoped token's)."""
    memberships = Membership.objects.filter(user=user).select_related("product").order_by("product__name")
    return memberships if product_id is None else memberships.filter(product_id=product_id)
