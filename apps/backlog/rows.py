"""The backlog page's rows, prepared in Python as plain dicts.

A backlog page shows 50 interactive rows; Django templates resolve a dict key
far faster than a model attribute (which first fails a key lookup). The status
menus depend only on the status, so they are built once per page and shared by
the rows. The assignee menu is the same for every row but for the one that is
selected: each row carries only its current assignee, and the page holds one
menu of the team (`people_options`, in a <template>) that backlog.js copies
into a row's menu when it is opened. Nothing on the page grows with rows ×
people (a team of 100 used to mean 5,000 <option>s per page)."""

from functools import lru_cache

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from apps.backlog import selectors, workflow
from apps.backlog.models import BacklogItem, is_highly_uncertain, is_overdue


def backlog_rows(items, *, product) -> list[dict]:
    """Rows of the page from `selectors.item_rows` dicts."""
    items_url = reverse("backlog:quick-add", args=[product.slug])
    epics_url = reverse("backlog:list", args=[product.slug]) + "epics/"
    status_menus = {status: status_menu(status) for status in BacklogItem.Status.values}
    kinds, statuses = dict(BacklogItem.Kind.choices), dict(BacklogItem.Status.choices)
    today = timezone.localdate()
    rows = []
    for item in items:
        estimate = (item["estimate_optimistic"], item["estimate_likely"], item["estimate_pessimistic"])
        has_range = None not in estimate
        epic = item["parent__number"]
        rows.append(
            {
                "number": item["number"],
                "url": f"{items_url}{item['number']}/",
                "title": item["title"],
                "kind": item["kind"],
                "kind_label": kinds.get(item["kind"], item["kind"]),
                "status": item["status"],
                "status_label": statuses.get(item["status"], item["status"]),
                "version": item["version"],
                "epic": None
                if epic is None
                else {"url": f"{epics_url}{epic}/", "title": shorten(item["parent__title"], 30)},
                "labels": selectors.labels_of(item),
                "is_blocked": item["is_blocked"],
                "is_uncertain": is_highly_uncertain(*estimate),
                "is_overdue": is_overdue(item["due_date"], item["status"], today),
                "due": item["due_date"].isoformat() if item["due_date"] else "",
                "points": points(item["story_points"]),
                "range": f"{points(estimate[0])}–{points(estimate[2])}" if has_range else "",
                "assignee_id": item["assignee_id"],
                "assignee": selectors.person_name(
                    item["assignee__first_name"], item["assignee__last_name"], item["assignee__username"]
                )
                if item["assignee_id"]
                else "",
                "status_menu": status_menus[item["status"]],
            }
        )
    return rows


def status_menu(status: str) -> str:
    """<option>s for an item's status menu: where it is, then where it may go."""
    current = format_html('<option value="{}" selected>{}</option>', status, BacklogItem.Status(status).label)
    targets = [BacklogItem.Status(target) for target in workflow.allowed_targets(status)]
    return current + format_html_join("", '<option value="{}">{}</option>', ((s.value, s.label) for s in targets))


def people_options(people) -> str:
    """<option>s of the team (`selectors.team_menu`) by id, built once per
    page: the shared assignee menu of the rows and the bulk form's menu."""
    return _people_options(tuple(people))


def assignee_filter_options(people, selected: list[str]) -> str:
    """<option>s of the assignee filter (by username), the chosen ones selected."""
    return _assignee_filter_options(tuple(people), frozenset(selected))


# A team's menus are the same on every page until the team changes: kept by
# their content (the people as read), so a change is a new entry, never stale.
# A team of 200 is 400 format_html calls a page otherwise.
@lru_cache(maxsize=256)
def _people_options(people: tuple[tuple[int, str, str], ...]) -> str:
    return format_html_join("", '<option value="{}">{}</option>', ((pk, name) for pk, _, name in people))


@lru_cache(maxsize=256)
def _assignee_filter_options(people: tuple[tuple[int, str, str], ...], selected: frozenset[str]) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((username, " selected" if username in selected else "", name) for _, username, name in people),
    )


def epic_options(epics) -> str:
    """<option>s of the epic picker's suggestions from (number, title) pairs."""
    return format_html_join("", '<option value="{}">#{} {}</option>', ((n, n, shorten(t, 60)) for n, t in epics))


def points(value) -> str:
    """Points without trailing zeros: 3, 2.5."""
    return "" if value is None else f"{value.normalize():f}"


def shorten(text: str, length: int) -> str:
    # Plain slicing: Truncator is measurably slow over hundreds of values.
    return text if len(text) <= length else text[: length - 1] + "…"
