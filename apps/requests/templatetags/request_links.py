from django import template

from apps.requests.access import reads_every_request
from apps.requests.selectors import requests_from_item

register = template.Library()


@register.inclusion_tag("requests/partials/linked_requests.html")
def linked_requests(item, viewer_role):
    """`{% linked_requests item product.viewer_role %}`: list items naming the
    stakeholder requests a backlog item came from, for the product team only
    (the team reads every request of its product, private ones included)."""
    if not reads_every_request(viewer_role):
        return {"linked": []}
    return {"linked": requests_from_item(item)}
