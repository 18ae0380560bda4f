"""The board's, the stakeholder view's and the timeline's items, prepared in
Python as plain dicts (apps/backlog/rows.py is the pattern).

A roadmap of 300 items used to build 300 items, forecasts (with their
histograms decoded from JSON), metrics and products as model instances, and
reverse() two addresses per card. Here one `values()` query reads only what
the pages show; the addresses are one prefix per page; labels, targets and
progress are worked out once per item. A row dict holds everything its card
shows, so the card can be kept rendered under it (the "fragments" cache)."""

import datetime
import functools
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from apps.roadmap import selectors
from apps.roadmap.models import Forecast, Horizon, Milestone, RoadmapItem, quarter_end, quarter_start

FIELDS = (
    "pk",
    "title",
    "horizon",
    "status",
    "shared",
    "start_date",
    "target_date",
    "target_quarter",
    "forecast__pk",
    "forecast__outcome",
    "forecast__p85",
    "forecast__flagged",
    "forecast__moved_days",
)

STATUSES = dict(RoadmapItem.Status.choices)
HORIZONS = dict(Horizon.choices)
OUTCOMES = dict(Forecast.Outcome.choices)


def item_values(items: QuerySet[RoadmapItem], *extra: str) -> list[dict]:
    """The items (already filtered by access.visible_items) in board order, as dicts of FIELDS (and `extra`)."""
    return list(items.order_by("horizon", "rank").values(*FIELDS, *extra))


def items_prefix(product) -> str:
    """The address of the product's roadmap items, to which "<pk>/" is added (one reverse() per page)."""
    return reverse("roadmap:item", args=[product.slug, 0]).removesuffix("0/")


def row(values: dict, prefix: str) -> dict:
    """What a card shows of one item."""
    target = values["target_date"] or quarter_end(values["target_quarter"])
    return {
        "pk": values["pk"],
        "url": f"{prefix}{values['pk']}/",
        "title": values["title"],
        "horizon": values["horizon"],
        "horizon_label": HORIZONS.get(values["horizon"], values["horizon"]),
        "status_label": STATUSES.get(values["status"], values["status"]),
        "shared": values["shared"],
        "target": target,
        "target_label": target_label(values["target_date"], values["target_quarter"]) if target else "",
        "forecast": forecast_line(values),
    }


@functools.lru_cache(maxsize=4096)
def target_label(target_date: datetime.date | None, target_quarter: str) -> str:
    """As RoadmapItem.target_label: "1 Mar 2027", or "2026 Q3" (kept: strftime costs 0.1 ms, targets repeat)."""
    if target_date is not None:
        return f"{target_date.day} {target_date:%b %Y}"
    return target_quarter.replace("-", " ") if target_quarter else ""


def forecast_line(values: dict) -> dict | None:
    """What roadmap/_forecast_line.html reads of a stored forecast (None before the first computation)."""
    if values["forecast__pk"] is None:
        return None
    outcome = values["forecast__outcome"]
    return {
        "is_forecast": outcome == Forecast.Outcome.FORECAST,
        "p85": values["forecast__p85"],
        "flagged": values["forecast__flagged"],
        "moved_days": values["forecast__moved_days"],
        "get_outcome_display": OUTCOMES.get(outcome, outcome),
    }


def board_columns(items: QuerySet[RoadmapItem], *, product, with_work: bool, extra: tuple[str, ...] = ()) -> dict:
    """Rows per horizon in rank order, each with `progress` (from its linked
    work, when `with_work`) and its neighbours' ids (for the keyboard's move
    up / down buttons). `extra` fields are copied into the rows as they are."""
    values = item_values(items, *extra)
    prefix = items_prefix(product)
    work = selectors.work_of_ids([v["pk"] for v in values], items) if with_work else {}
    columns: dict[str, list[dict]] = {horizon: [] for horizon in Horizon.values}
    for item in values:
        card = row(item, prefix)
        card["move_url"] = f"{card['url']}move/"
        card["progress"] = progress(work.get(item["pk"], [])) if with_work else None
        card["above_id"] = card["below_id"] = None
        for name in extra:
            card[name] = item[name]
        columns[item["horizon"]].append(card)
    for column in columns.values():
        for above, below in zip(column, column[1:], strict=False):
            below["above_id"], above["below_id"] = above["pk"], below["pk"]
    return columns


def progress(work: list[selectors.WorkRow]) -> dict | None:
    """The card's progress line (None when no work is linked)."""
    done = selectors.progress_of(work)
    if not done.items_total:
        return None
    return {
        "items_done": done.items_done,
        "items_total": done.items_total,
        "points_done": done.points_done,
        "points_total": done.points_total,
        "percent": done.percent,
    }


# --- the timeline ------------------------------------------------------------------


@dataclass
class Timeline:
    columns: list[selectors.Column]
    bars: list[dict]  # rows of the items with dates; "cells" writes a row's <td>s when called
    marks: list[list[Milestone]]  # the milestones of each column
    undated: list[dict]
    key: str  # everything the bars' rows show, for keeping them rendered


def timeline(
    values: list[dict], milestone_list: list[Milestone], *, prefix: str, scale: str, today: datetime.date
) -> Timeline:
    """Columns from the earliest start to the latest end (today included), a
    row per item that has dates, the milestones of each column, and the items
    without dates. A row's cells are written in Python when the rows are
    rendered (a 300-item timeline has thousands of cells); the rows are kept
    rendered under `key`, which holds every value they show."""
    cards = [row(item, prefix) for item in values]
    spans = [
        (_start(item, card["target"], today), _end(item, card["target"]))
        for item, card in zip(values, cards, strict=True)
    ]
    days = [today] + [d for span in spans for d in span if d] + [m.date for m in milestone_list]
    columns = selectors.timeline_columns(scale=scale, first=min(days), last=max(days), today=today)
    unit = "quarter" if scale == "quarters" else "month"
    empty = [_empty_cell(column, today) for column in columns]
    bars, undated = [], []
    day_label = functools.cache(date_format)  # as the |date filter writes them; few distinct days
    for card, (start, end) in zip(cards, spans, strict=True):
        if start is None:
            undated.append(card)
            continue
        card["start"], card["end"] = start, end
        card["span"] = f"{day_label(start, 'j M')} – {day_label(end, 'j M Y') if end else ''}"
        card["cells"] = functools.partial(_row_cells, columns, empty, start, end, card["title"], unit, today)
        bars.append(card)
    marks = [[m for m in milestone_list if column.start <= m.date <= column.end] for column in columns]
    shown = [(bar["url"], bar["title"], bar["horizon_label"], bar["span"], bar["start"], bar["end"]) for bar in bars]
    key = repr((unit, today, [(c.start, c.end, c.is_current) for c in columns], shown))
    return Timeline(columns, bars, marks, undated, key)


def _start(values: dict, target: datetime.date | None, today: datetime.date) -> datetime.date | None:
    if values["start_date"]:
        return values["start_date"]
    if values["target_quarter"] and not values["target_date"]:
        return quarter_start(values["target_quarter"])
    end = _end(values, target)
    return min(today, end) if end else None


def _end(values: dict, target: datetime.date | None) -> datetime.date | None:
    """The target, else the forecast's 85 % date, else nothing to draw."""
    return target or values["forecast__p85"]


def _today_line(column: selectors.Column, today: datetime.date) -> str:
    if not column.is_current:
        return ""
    return f'<span class="today-line" style="left: {column.at(today)}%" aria-hidden="true"></span>'


def _empty_cell(column: selectors.Column, today: datetime.date) -> str:
    return f'<td class="cell ">{_today_line(column, today)}</td>'


def _row_cells(columns, empty, start, end, title: str, unit: str, today: datetime.date) -> str:
    """The <td>s of one row: empty outside the bar; the bar's first, middle and last cells."""
    title = escape(title)
    cells = []
    for column, blank in zip(columns, empty, strict=True):
        if end is None or start > column.end or end < column.start:
            cells.append(blank)
            continue
        first_cell, last_cell = start >= column.start, end <= column.end
        shape = "single" if first_cell and last_cell else "start" if first_cell else "end" if last_cell else "bar"
        left = column.at(start) if first_cell else 0
        right = 100 - column.at(end) if last_cell else 0
        cells.append(
            f'<td class="cell {shape}">{_today_line(column, today)}'
            f'<span class="bar" style="left: {left}%; right: {right}%" aria-hidden="true"></span>'
            f'<span class="sr-only">{title} runs in this {unit}</span></td>'
        )
    return mark_safe("".join(cells))  # noqa: S308 -- integers, and the title escaped above


# --- the CSV -------------------------------------------------------------------------


def export_rows(items: QuerySet[RoadmapItem], *, internal: bool, hypotheses: QuerySet, prefix: str) -> list[dict]:
    """One dict per item for the CSV; internal columns only when asked (the
    caller decides who sees them). `hypotheses` are those the reader may see
    (access.visible_hypotheses: a stakeholder's are published ones). The links
    are read as numbers, one query per kind of link, in the order their lists
    have (backlog by rank, requests newest first, hypotheses by number)."""
    values = item_values(items, "public_description", "forecast__p50", *(("internal_notes",) if internal else ()))
    scope = items.values("pk")
    linked = _numbers(
        RoadmapItem.hypotheses.through.objects.filter(roadmapitem_id__in=scope, hypothesis__in=hypotheses),
        "hypothesis__number",
        "hypothesis__number",
    )
    if internal:
        epics = _numbers(RoadmapItem.epics.through.objects.filter(roadmapitem_id__in=scope), "backlogitem__number")
        backlog = _numbers(
            RoadmapItem.backlog_items.through.objects.filter(roadmapitem_id__in=scope), "backlogitem__number"
        )
        requests = _numbers(
            RoadmapItem.requests.through.objects.filter(roadmapitem_id__in=scope),
            "stakeholderrequest__number",
            "stakeholderrequest__product_id",
            "-stakeholderrequest__created_at",
        )
        work = selectors.work_of_ids([item["pk"] for item in values], items)
    result = []
    for item in values:
        pk, p85, p50 = item["pk"], item["forecast__p85"], item["forecast__p50"]
        row = {
            "id": pk,
            "title": item["title"],
            "horizon": HORIZONS.get(item["horizon"], item["horizon"]),
            "status": STATUSES.get(item["status"], item["status"]),
            "start": item["start_date"].isoformat() if item["start_date"] else "",
            "target": item["target_date"].isoformat() if item["target_date"] else item["target_quarter"],
            "shared": "yes" if item["shared"] else "no",
            "description": item["public_description"],
            "forecast_85": p85.isoformat() if p85 else "",
            "hypotheses": " ".join(f"H-{number}" for number in linked.get(pk, [])),
            "url": f"{prefix}{pk}/",
        }
        if internal:
            row |= {
                "internal_notes": item["internal_notes"],
                "epics": " ".join(f"#{number}" for number in epics.get(pk, [])),
                "backlog_items": " ".join(f"#{number}" for number in backlog.get(pk, [])),
                "requests": " ".join(f"R-{number}" for number in requests.get(pk, [])),
                "progress_percent": selectors.progress_of(work.get(pk, [])).percent,
                "forecast_50": p50.isoformat() if p50 else "",
            }
        result.append(row)
    return result


def _numbers(links: QuerySet, number: str, *order: str) -> dict[int, list[int]]:
    """The numbers of what each item links, in order (backlog items by default: by product and rank)."""
    ordering = order or ("backlogitem__product_id", "backlogitem__rank")
    found: dict[int, list[int]] = {}
    for item_id, value in links.order_by(*ordering).values_list("roadmapitem_id", number):
        found.setdefault(item_id, []).append(value)
    return found


# --- the API list --------------------------------------------------------------------

# What the API's list shows of an item and its forecast (serializers.item_list_data shapes them).
FORECAST_FIELDS = (
    "forecast__pk",
    "forecast__outcome",
    "forecast__message",
    "forecast__computed_at",
    "forecast__start",
    "forecast__p50",
    "forecast__p85",
    "forecast__p95",
    "forecast__target",
    "forecast__chance_on_target",
    "forecast__histogram",
    "forecast__previous_p85",
    "forecast__moved_days",
    "forecast__flagged",
)
API_FIELDS = (
    "pk",
    "title",
    "outcome",
    "horizon",
    "status",
    "start_date",
    "target_date",
    "target_quarter",
    "public_description",
    *FORECAST_FIELDS,
)
INTERNAL_API_FIELDS = (
    "forecast__inputs",
    "outcome_metric",
    "rank",
    "shared",
    "internal_notes",
    "created_at",
    "updated_at",
    "version",
)


def api_values(items: QuerySet[RoadmapItem], *, internal: bool) -> QuerySet:
    """The items (filtered and ordered by the API) as dicts of what the list
    shows, for the paginator: one query, no model instances."""
    return items.values(*API_FIELDS, *(INTERNAL_API_FIELDS if internal else ()))


def api_links(values: list[dict], *, internal: bool, hypotheses: QuerySet) -> None:
    """Adds to each row of a page what it links: "hypotheses" (those of
    `hypotheses`, access.visible_hypotheses, by number) and, for the team,
    "epics", "backlog_items" and "requests" (numbers, in the order the CSV
    lists them) and "work" (selectors.work_of). A query per kind of link, as
    the prefetches they replace, however many rows."""
    ids = [row["pk"] for row in values]
    if not ids:
        return
    bets: dict[int, list] = {}
    links = RoadmapItem.hypotheses.through.objects.filter(roadmapitem_id__in=ids, hypothesis__in=hypotheses)
    for link in links.select_related("hypothesis__metric").order_by("hypothesis__number"):
        bets.setdefault(link.roadmapitem_id, []).append(link.hypothesis)
    for row in values:
        row["hypotheses"] = bets.get(row["pk"], [])
    if not internal:
        return
    epics = _numbers(RoadmapItem.epics.through.objects.filter(roadmapitem_id__in=ids), "backlogitem__number")
    backlog = _numbers(RoadmapItem.backlog_items.through.objects.filter(roadmapitem_id__in=ids), "backlogitem__number")
    requests = _numbers(
        RoadmapItem.requests.through.objects.filter(roadmapitem_id__in=ids),
        "stakeholderrequest__number",
        "stakeholderrequest__product_id",
        "-stakeholderrequest__created_at",
    )
    work = selectors.work_of_ids(ids)
    for row in values:
        pk = row["pk"]
        row["epics"], row["backlog_items"] = epics.get(pk, []), backlog.get(pk, [])
        row["requests"], row["work"] = requests.get(pk, []), work[pk]
