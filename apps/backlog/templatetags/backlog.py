from django import template
from django.utils.html import format_html_join

from apps.backlog import rows

register = template.Library()


@register.filter
def epic_options(epics, selected):
    """<option>s for the epic filter from (number, title) pairs; a backlog can have hundreds of epics."""
    return format_html_join(
        "",
        '<option value="{}"{}>#{} {}</option>',
        ((n, " selected" if str(n) in selected else "", n, rows.shorten(title, 40)) for n, title in epics),
    )


@register.filter
def points(value):
    """Points without trailing zeros: 3, 2.5."""
    return rows.points(value)
