"""Changes to products and their outcome metrics."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from apps.accounts.models import Membership, Role, User
from apps.accounts.permissions import forget_roles
from apps.products.models import Product


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


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "product"
    slug, n = base, 2
    while Product.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
