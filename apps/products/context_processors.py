from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from apps.accounts.permissions import Action, product_ids_where, products_of


def product_switcher(request):
    """The signed-in user's products for the header (read with the roles the
    page checks anyway: no query of its own), and whether the cross-product
    triage inbox is theirs to see."""
    return {
        "my_memberships": SimpleLazyObject(lambda: _menu(request.user)),
        "sees_triage_inbox": SimpleLazyObject(lambda: bool(product_ids_where(request.user, Action.VIEW_TRIAGE_INBOX))),
    }


def _menu(user) -> list[dict]:
    """What templates read of a membership: .product.name/.slug/.get_absolute_url, .role, .get_role_display
    (the header's menu, and the "My products" list of My work)."""
    url = reverse("products:detail", args=["-slug-"])
    return [
        {
            "product": {"name": m.name, "slug": m.slug, "get_absolute_url": url.replace("-slug-", m.slug)},
            "role": m.role.value,
            "get_role_display": m.role.label,
        }
        for m in products_of(user)
    ]
