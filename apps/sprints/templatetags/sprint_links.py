from django import template

from apps.accounts.permissions import Action, allows
from apps.sprints import sections
from apps.sprints.selectors import item_sprints

register = template.Library()


@register.inclusion_tag("sprints/_item_links.html", takes_context=True)
def sprint_links(context, item, viewer_role):
    """`{% sprint_links item product.viewer_role %}`: list items naming the
    sprints a backlog item has been in, then the lines other apps add to the
    item's links (apps.sprints.sections.ITEM_LINKS: hypotheses names the wrong
    assumption the item follows up)."""
    if not allows(viewer_role, Action.VIEW_SPRINTS):
        return {"entries": [], "sections": ""}
    return {
        "entries": item_sprints(item),
        "sections": sections.render(sections.ITEM_LINKS, context["request"], product=context["product"], item=item),
    }
