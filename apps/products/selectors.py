"""Reads about products that pages and the API share."""

from django.db.models import QuerySet

from apps.accounts.models import Membership
from apps.products.models import OutcomeMetric, Product


def memberships_of_user(user) -> QuerySet[Membership]:
    """The user's memberships with their products, for the dashboard and switcher."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("product").order_by("product__name")


def product_members(product) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(product=product)
        .select_related("user")
        .order_by("role", "user__first_name", "user__username")
    )


def outcome_metrics(product: Product) -> QuerySet[OutcomeMetric]:
    return OutcomeMetric.objects.filter(product=product).order_by("name")
