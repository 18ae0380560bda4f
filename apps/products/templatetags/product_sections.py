from django import template
from django.utils.safestring import SafeString

from apps.products import sections

register = template.Library()


@register.simple_tag(takes_context=True)
def product_sections(context) -> SafeString:
    """`{% product_sections %}`: what other apps add to the product overview (apps.products.sections)."""
    return sections.render(context["request"], product=context["product"])
