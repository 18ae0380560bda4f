"""The backlog page's rows, prepared in Python as plain dicts.

A backlog page shows 50 interactive rows; Django templates resolve a dict key
far faster than a model attribute (which first fails a key lookup), and the
status and assignee menus depend only on the status and the assignee, so they
are built once per page and shared by the rows."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from apps.backlog import workflow
from apps.backlog.models import BacklogItem


def backlog_rows(items, *, product, people) -> list[dict]:
    items_url = reverse("backlog:quick-add", args=[product.slug])
    epics_url = reverse("backlog:list", args=[product.slug]) + "epics/"
    status_menus = {status: status_menu(status) for status in BacklogItem.Status.values}
    assignee_menus = {pk: assignee_menu(people, pk) for pk in [None, *(person.pk for person in people)]}
    return [
        {
            "number": item.number,
            "url": f"{items_url}{item.number}/",
            "title": item.title,
            "kind": item.kind,
            "kind_label": item.get_kind_display(),
            "status": item.status,
            "status_label": item.get_status_display(),
            "version": item.version,
            "epic": _epic(item, epics_url),
            "labels": [{"name": label.name, "color": label.color} for label in item.labels.all()],
            "is_blocked": item.is_blocked,
            "is_uncertain": item.is_highly_uncertain,
            "points": points(item.story_points),
            "range": f"{points(item.estimate_optimistic)}–{points(item.estimate_pessimistic)}"
            if item.has_range
            else "",
            "assignee": str(item.assignee) if item.assignee else "",
            "status_menu": status_menus[item.status],
            "assignee_menu": assignee_menus.get(item.assignee_id) or assignee_menu(people, item.assignee_id),
        }
        for item in items
    ]


def _epic(item, epics_url) -> dict | None:
    if item.parent is None:
        return None
    return {"url": f"{epics_url}{item.parent.number}/", "title": shorten(item.parent.title, 30)}


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


def points(value) -> str:
    """Points without trailing zeros: 3, 2.5."""
    return "" if value is None else f"{value.normalize():f}"


def shorten(text: str, length: int) -> str:
    # Plain slicing: Truncator is measurably slow over hundreds of values.
    return text if len(text) <= length else text[: length - 1] + "…"
