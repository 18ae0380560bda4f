from django import template

from apps.backlog.models import BacklogItem
from apps.sprints.models import SprintItem
from apps.sprints.selectors import entry_warnings, readiness_warnings

register = template.Library()


@register.filter
def readiness(obj: BacklogItem | SprintItem) -> list[str]:
    """`{% for warning in item|readiness %}`: why a backlog item, or an item of
    a sprint, may not be ready to work on."""
    return entry_warnings(obj) if isinstance(obj, SprintItem) else readiness_warnings(obj)
