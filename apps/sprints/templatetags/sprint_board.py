from django import template

from apps.sprints.selectors import ColumnLoad

register = template.Library()


@register.filter
def load_of(loads: list[ColumnLoad], status: str) -> ColumnLoad | None:
    """`{% with load=loads|load_of:status %}`: a board column's load and WIP limit."""
    return next((load for load in loads if load.status == status), None)
