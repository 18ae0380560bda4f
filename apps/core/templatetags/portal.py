from django import template
from django.template.defaultfilters import floatformat

from apps.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)


@register.filter
def quantity(value, unit=""):
    """A number with its unit, or a dash when there is no number."""
    if value is None or value == "":
        return "–"
    return f"{floatformat(value, '-2')} {unit}".strip()
