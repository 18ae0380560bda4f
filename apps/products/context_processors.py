from django.utils.functional import SimpleLazyObject

from apps.products.selectors import memberships_of_user


def product_switcher(request):
    """The signed-in user's products for the switcher in the header (queried only if shown)."""
    return {"my_memberships": SimpleLazyObject(lambda: list(memberships_of_user(request.user)))}
