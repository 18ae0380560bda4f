from django import template
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from apps.backlog import workflow
from apps.backlog.models import BacklogItem

register = template.Library()


@register.filter
def next_statuses(item):
    """The statuses the item may move to from where it is, for a status menu."""
    return [BacklogItem.Status(status) for status in workflow.allowed_targets(item.status)]


# The two option lists below are built in Python rather than with template
# loops: they repeat on every row of the backlog, and this keeps a page of 50
# rows cheap to render.


@register.filter
def status_options(item):
    """<option>s for the item's status menu: where it is, then where it may go."""
    current = format_html('<option value="{}" selected>{}</option>', item.status, item.get_status_display())
    targets = format_html_join("", '<option value="{}">{}</option>', ((s.value, s.label) for s in next_statuses(item)))
    return current + targets


@register.filter
def assignee_options(item, people):
    """<option>s for the item's assignee menu, with "nobody" first."""
    nobody = format_html('<option value=""{}>nobody</option>', "" if item.assignee_id else " selected")
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((person.pk, " selected" if person.pk == item.assignee_id else "", str(person)) for person in people),
    )
    return nobody + options


@register.filter
def epic_options(epics, selected):
    """<option>s for the epic filter; a backlog can have hundreds of epics."""
    return format_html_join(
        "",
        '<option value="{}"{}>#{} {}</option>',
        (
            (
                epic.number,
                " selected" if str(epic.number) in selected else "",
                epic.number,
                Truncator(epic.title).chars(40),
            )
            for epic in epics
        ),
    )


@register.filter
def points(value):
    """Points without trailing zeros: 3, 2.5."""
    return "" if value is None else f"{value.normalize():f}"
