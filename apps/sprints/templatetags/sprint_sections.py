from django import template
from django.utils.safestring import SafeString

from apps.sprints import sections

register = template.Library()


@register.simple_tag(takes_context=True)
def sprint_sections(context, slot: str, **objects) -> SafeString:
    """`{% sprint_sections "overview" sprint=sprint %}`: the sections other apps
    add to this place of a sprint page (apps.sprints.sections), for the viewer's role."""
    return sections.render(slot, context["request"], product=context["product"], **objects)
