"""The way to a person's own memberships and API tokens, for the profile
page and the API alike: nobody reaches another person's tokens (404)."""

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import ApiToken, Membership
from apps.core.http import as_id


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("product")


def access_api_token(user, token_id) -> ApiToken:
    pk = as_id(token_id)
    token = None if pk is None else api_tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token of yours.")
    return token


def memberships_of(user, *, product_id: int | None = None) -> QuerySet[Membership]:
    """The person's memberships with their products, by product name (only one
    product's when `product_id` is given, e.g. a product-scoped token's)."""
    memberships = Membership.objects.filter(user=user).select_related("product").order_by("product__name")
    return memberships if product_id is None else memberships.filter(product_id=product_id)
