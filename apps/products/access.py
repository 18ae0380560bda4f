"""The way into a product: every page and API view under /p/<slug>/ and
/api/v1/products/<slug>/ finds its product here, checked against the action
it is about to do (apps.accounts.permissions decides who may). Each app's own
`access.py` builds on `get_product` for the objects inside a product."""

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from apps.accounts.models import Membership
from apps.accounts.permissions import Action, note_role, product_ids_where, require
from apps.core.lookups import one_by_id
from apps.products import selectors
from apps.products.models import MetricReading, OutcomeMetric, Product

# One membership per person and product (a unique constraint), so at most one row.
ROLE_SQL = (
    f"SELECT role FROM {Membership._meta.db_table} "  # noqa: S608 -- table names from the models, the user as a parameter
    f"WHERE product_id = {Product._meta.db_table}.id AND user_id = %s"
)


def get_product(user, slug: str, action: Action = Action.VIEW_PRODUCT) -> Product:
    """The product with this slug if the user may do `action` on it: 404 for
    people outside the product, 403 for a member whose role lacks the right."""
    products = Product.objects.filter(slug=slug)
    noting = user.is_authenticated and getattr(user, "_product_roles", None) is None
    if noting:
        # The viewer's role comes in the same query (permissions.note_role), unless every role is read already.
        # Written out: an ORM Subquery costs more to compile (0.6 ms) than the query it spares.
        products = products.annotate(viewer_membership=RawSQL(ROLE_SQL, [user.pk]))  # noqa: S611
    product = products.first()
    if product is None:
        raise Http404("No such product.")
    if noting:
        note_role(user, product.pk, getattr(product, "viewer_membership"))  # noqa: B009 -- an annotation
    # Kept on the object so templates can show only what the role may do.
    product.viewer_role = require(user, action, product)
    return product


def products_where(user, action: Action = Action.VIEW_PRODUCT) -> QuerySet[Product]:
    """The products in which the user may do `action`: the one list filter for products."""
    return Product.objects.filter(pk__in=product_ids_where(user, action))


def visible_metrics(user, product: Product) -> QuerySet[OutcomeMetric]:
    """The product's outcome metrics: everyone in the product sees them."""
    require(user, Action.VIEW_PRODUCT, product)
    return selectors.outcome_metrics(product)


def access_metric(user, product: Product, metric_id, action: Action = Action.VIEW_PRODUCT) -> OutcomeMetric:
    require(user, action, product)
    metric = one_by_id(
        OutcomeMetric.objects.filter(product=product), metric_id, "No such outcome metric in this product."
    )
    metric.product = product  # keeps the viewer's role, and spares a query for its link
    return metric


def visible_readings(user, product: Product, metric: OutcomeMetric) -> QuerySet[MetricReading]:
    """A metric's readings, newest first: everyone who sees the metric sees its series."""
    require(user, Action.VIEW_PRODUCT, product)
    if metric.product_id != product.pk:
        raise Http404("No such outcome metric in this product.")
    return selectors.metric_readings(metric)


def access_reading(
    user, product: Product, metric: OutcomeMetric, reading_id, action: Action = Action.RECORD_READINGS
) -> MetricReading:
    require(user, action, product)
    readings = MetricReading.objects.filter(metric=metric, metric__product=product)
    return one_by_id(readings, reading_id, "No such reading of this metric.")


def access_membership(user, product: Product, membership_id, action: Action = Action.MANAGE_MEMBERS) -> Membership:
    require(user, action, product)
    memberships = Membership.objects.filter(product=product).select_related("user")
    return one_by_id(memberships, membership_id, "No such member of this product.")


if TYPE_CHECKING:
    # What the mixin is mixed into, so that its `self.request`, `self.action`
    # and `super().initial` have the viewset's types.
    from rest_framework.viewsets import GenericViewSet

    _ViewSet = GenericViewSet[Any]
else:
    _ViewSet = object


class ProductScopedMixin(_ViewSet):
    """For API viewsets under /products/{product_slug}/: the product, checked once
    per request against the permission the viewset action needs.

    Subclasses map viewset actions ("list", "create", ...) to permission
    actions in `required`; actions not listed need `default_required`.
    """

    required: dict[str, Action] = {}
    default_required: Action = Action.VIEW_PRODUCT

    @property
    def required_action(self) -> Action:
        """The permission this request's viewset action needs."""
        return self.required.get(self.action or "", self.default_required)

    @cached_property
    def product(self) -> Product:
        return get_product(self.request.user, self.kwargs["product_slug"], self.required_action)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not getattr(self, "swagger_fake_view", False):
            self.product  # noqa: B018 -- resolve (and check) before any work is done
