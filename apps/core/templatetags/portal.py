import uuid

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html

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


@register.simple_tag
def idempotency_field():
    """`{% idempotency_field %}` inside a form: the same form sent twice does
    its work once (apps.core.idempotency)."""
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4().hex)
