import uuid

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.core.markdown import render_markdown_many

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Rendered once per text in each process (kept in the fragments cache by its digest)."""
    if not text:
        return mark_safe("")
    return render_markdown_many([text])[0]


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
