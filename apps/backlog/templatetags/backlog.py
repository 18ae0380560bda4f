from django import template

from apps.backlog import rows

register = template.Library()


@register.filter
def points(value):
    """Points without trailing zeros: 3, 2.5."""
    return rows.points(value)
