from django import template
from django.utils.safestring import SafeString

from apps.hypotheses import hypothesis_sections as sections

register = template.Library()


@register.simple_tag(takes_context=True)
def hypothesis_sections(context, *, hypothesis) -> SafeString:
    """`{% hypothesis_sections hypothesis=hypothesis %}`: what other apps add to
    a hypothesis's page (apps.hypotheses.hypothesis_sections), for the viewer's role."""
    return sections.render(context["request"], product=context["product"], hypothesis=hypothesis)
