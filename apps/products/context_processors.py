from django.utils.functional import SimpleLazyObject

from apps.accounts.permissions import Action, product_ids_where
from apps.products.selectors import memberships_of_user


def product_switcher(request):
    """The signed-in user's products for the header (queried only if shown),
    and whether the cross-product triage inbox is theirs to see."""
    return {
        "my_memberships": SimpleLazyObject(lambda: list(memberships_of_user(request.user))),
        "sees_triage_inbox": SimpleLazyObject(lambda: bool(product_ids_where(request.user, Action.VIEW_TRIAGE_INBOX))),
    }
