"""Rows of sprint pages as plain dicts, labels and addresses built once per
page (see apps/backlog/rows.py for why).

- The sprint page's item table: a sprint of 120 items spent 0.2 ms a row on
  reverse(), get_FOO_display and filters in the template.
- The sprint list, from `selectors.sprint_list`: links from one prefix,
  dates and figures as text, so the template only places strings. What they
  show is what the template showed with model objects: `date:"j M"`,
  `floatformat:"-1"`, `widthratio ratio 1 100`."""

from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS_3

from apps.backlog.models import BacklogItem
from apps.sprints.models import Sprint, SprintItem

TENTH = Decimal("0.1")


def sprint_item_rows(product, sprint: Sprint, entries: list[SprintItem]) -> list[dict]:
    """`entries` as `selectors.sprint_table` loads them (item, stage, `blocked`)."""
    items_url = reverse("backlog:quick-add", args=[product.slug])
    statuses = dict(BacklogItem.Status.choices)
    outcomes = dict(SprintItem.Outcome.choices)
    return [
        {
            "url": f"{items_url}{entry.item.number}/",
            "number": entry.item.number,
            "title": entry.item.title,
            "blocked": getattr(entry, "blocked", False),
            "stage": entry.stage.name if entry.stage else "",
            "status": statuses.get(entry.item.status, entry.item.status),
            "points": points(entry.points),
            "in_plan": _in_plan(sprint, entry),
            "outcome": outcomes.get(entry.outcome, entry.outcome),
        }
        for entry in entries
    ]


def _in_plan(sprint: Sprint, entry: SprintItem) -> str:
    if sprint.status == Sprint.Status.PLANNED:
        text = "planned"
    elif entry.committed:
        text = "committed"
    else:
        text = f"added {dateformat.format(timezone.localtime(entry.added_at), 'j M')}"
    return f"{text} · carried over" if entry.carried_from_id else text


def sprint_rows(sprints, *, product) -> list[dict]:
    prefix = reverse("sprints:list", args=[product.slug])
    statuses = dict(Sprint.Status.choices)
    months = {number: str(name).title() for number, name in MONTHS_3.items()}
    rows = []
    for sprint in sprints:
        start, end, status = sprint["start_date"], sprint["end_date"], sprint["status"]
        if status == Sprint.Status.CLOSED:
            figures = f"{points(sprint['completed_points'])} of {points(sprint['committed_points'])} committed"
        elif sprint["live_planned"] is not None:
            figures = f"{points(sprint['live_done'])} done of {points(sprint['live_planned'])}"
        else:
            figures = "–"
        rows.append(
            {
                "url": f"{prefix}{sprint['pk']}/",
                "name": sprint["name"],
                "is_staged": sprint["kind"] == Sprint.Kind.STAGED,
                "status": status,
                "status_label": statuses.get(status, status),
                "dates": f"{start.day} {months[start.month]} – {end.day} {months[end.month]} {end.year:04d}",
                "item_count": sprint["item_count"],
                "figures": figures,
                "say_do": say_do(sprint["committed_points"], sprint["completed_committed_points"]),
            }
        )
    return rows


def points(value) -> str:
    """As `floatformat:"-1"`: one decimal place, none when it is 0 (12, 7.5); nothing for None."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == int(value):
        return str(int(value))
    return f"{value.quantize(TENTH, rounding=ROUND_HALF_UP):f}"


def say_do(committed, completed_committed) -> str:
    """Share of the committed points finished (Sprint.say_do_ratio) as `widthratio` rounds it; – if none committed."""
    if not committed:
        return "–"
    ratio = (completed_committed or 0) / committed
    return f"{round(float(ratio) / 1.0 * 100)}%"
