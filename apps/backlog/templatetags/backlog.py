from django import template

from apps.backlog import workflow
from apps.backlog.models import BacklogItem

register = template.Library()


@register.filter
def next_statuses(item):
    """The statuses the item may move to from where it is, for a status menu."""
    return [BacklogItem.Status(status) for status in workflow.allowed_targets(item.status)]


@register.filter
def points(value):
    """Points without trailing zeros: 3, 2.5."""
    return "" if value is None else f"{value.normalize():f}"
