"""Reads about products that pages and the API share."""

from django.db.models import QuerySet

from apps.accounts.models import Membership
from apps.products.models import MetricReading, OutcomeMetric, Product


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


def metric_readings(metric: OutcomeMetric) -> QuerySet[MetricReading]:
    """The metric's readings, newest first, with who recorded them."""
    return MetricReading.objects.filter(metric=metric).select_related("recorded_by").order_by("-measured_on")


def metric_series(metric: OutcomeMetric) -> dict:
    """The whole series for a chart, oldest first, in one query of two columns:
    five years of daily readings are about 1,800 points."""
    points = MetricReading.objects.filter(metric=metric).order_by("measured_on").values_list("measured_on", "value")
    return {
        "name": metric.name,
        "unit": metric.unit,
        "direction": metric.direction,
        "baseline": _number(metric.baseline),
        "target": _number(metric.target),
        "points": [[measured_on.isoformat(), _number(value)] for measured_on, value in points],
    }


def _number(value) -> float | None:
    return None if value is None else float(value)
