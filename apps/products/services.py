"""Changes to products and their outcome metrics."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from apps.accounts.models import Membership, Role, User
from apps.accounts.permissions import forget_roles
from apps.core.versions import refuse_if_stale
from apps.products.models import OutcomeMetric, Product

EDITABLE_FIELDS = frozenset({"name", "kind", "vision", "definition_of_done"})


@transaction.atomic
def product_create(
    *,
    actor: User,
    name: str,
    kind: str = Product.Kind.ML,
    vision: str = "",
    definition_of_done: str = "",
    slug: str = "",
) -> Product:
    """Create a product; its creator becomes its first product manager."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A product needs a name."})
    product = Product(
        name=name,
        slug=slug or _unique_slug(name),
        kind=kind,
        vision=vision,
        definition_of_done=definition_of_done,
    )
    product.full_clean()
    product.save()
    Membership.objects.create(product=product, user=actor, role=Role.PRODUCT_MANAGER)
    forget_roles(actor)
    return product


@transaction.atomic
def product_update(*, actor: User, product: Product, expected_version: int, **changes) -> Product:
    """Change the product's name, kind, vision or definition of done, refusing
    the edit if someone saved the product since `expected_version`."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = Product.objects.select_for_update().get(pk=product.pk)
    refuse_if_stale(current, expected_version, label=current.name)
    for field, value in changes.items():
        setattr(current, field, value.strip() if field == "name" else value)
    if not current.name:
        raise ValidationError({"name": "A product needs a name."})
    current.full_clean()
    current.version += 1
    current.save(update_fields=[*changes, "version"])
    return current


METRIC_FIELDS = frozenset({"name", "unit", "direction", "baseline", "target", "current", "description"})


@transaction.atomic
def metric_add(*, actor: User, product: Product, **fields) -> OutcomeMetric:
    """Add an outcome metric (KPI) the product exists to move."""
    unknown = set(fields) - METRIC_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    metric = OutcomeMetric(product=product, **fields)
    metric.full_clean()
    metric.save()
    return metric


@transaction.atomic
def metric_remove(*, actor: User, metric: OutcomeMetric) -> None:
    metric.delete()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "product"
    slug, n = base, 2
    while Product.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
