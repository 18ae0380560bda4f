from django import template

from apps.accounts.permissions import Action, allows
from apps.hypotheses.selectors import spawning_assumptions
from apps.sprints.selectors import item_sprints

register = template.Library()


@register.inclusion_tag("sprints/_item_links.html")
def sprint_links(item, viewer_role):
    """`{% sprint_links item product.viewer_role %}`: list items naming the
    sprints a backlog item has been in and the wrong assumption it follows up."""
    if not allows(viewer_role, Action.VIEW_SPRINTS):
        return {"entries": [], "assumptions": []}
    return {"entries": item_sprints(item), "assumptions": spawning_assumptions(item)}
