from django import template

from apps.accounts.permissions import Action, allows
from apps.requests.selectors import requests_from_item

register = template.Library()


@register.inclusion_tag("requests/partials/linked_requests.html")
def linked_requests(item, viewer_role):
    """`{% linked_requests item product.viewer_role %}`: list items naming the
    stakeholder requests a backlog item came from, for the product team only."""
    if not allows(viewer_role, Action.VIEW_REQUEST_INTERNALS):
        return {"linked": []}
    return {"linked": requests_from_item(item)}
