from django import template
from django.utils.html import format_html, format_html_join

from apps.backlog import workflow
from apps.backlog.models import BacklogItem

register = template.Library()


# Menus repeat on every row of the backlog: they are built once per page in
# Python (menus_for_rows) and picked per row, which keeps 50 rows cheap.


def status_menu(status: str) -> str:
    """<option>s for an item's status menu: where it is, then where it may go."""
    current = format_html('<option value="{}" selected>{}</option>', status, BacklogItem.Status(status).label)
    targets = [BacklogItem.Status(target) for target in workflow.allowed_targets(status)]
    return current + format_html_join("", '<option value="{}">{}</option>', ((s.value, s.label) for s in targets))


def assignee_menu(people, assignee_id) -> str:
    """<option>s for an item's assignee menu, "nobody" first."""
    nobody = format_html('<option value=""{}>nobody</option>', "" if assignee_id else " selected")
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((person.pk, " selected" if person.pk == assignee_id else "", str(person)) for person in people),
    )
    return nobody + options


def menus_for_rows(people) -> dict:
    return {
        "status": {status: status_menu(status) for status in BacklogItem.Status.values},
        "assignee": {pk: assignee_menu(people, pk) for pk in [None, *(person.pk for person in people)]},
    }


@register.simple_tag
def row_menu(menus, kind, key):
    """`{% row_menu menus "status" item.status %}`: the prebuilt menu for this row."""
    return menus[kind][key]


@register.filter
def epic_options(epics, selected):
    """<option>s for the epic filter from (number, title) pairs; a backlog can have hundreds of epics."""
    return format_html_join(
        "",
        '<option value="{}"{}>#{} {}</option>',
        ((n, " selected" if str(n) in selected else "", n, _shorten(title, 40)) for n, title in epics),
    )


def _shorten(text: str, length: int) -> str:
    # Plain slicing: Truncator is measurably slow over hundreds of options.
    return text if len(text) <= length else text[: length - 1] + "…"


@register.filter
def points(value):
    """Points without trailing zeros: 3, 2.5."""
    return "" if value is None else f"{value.normalize():f}"
