"""Reads that the roadmap's pages, API, feed, export and forecasts share.
Each does its own joins: the board, the timeline and the CSV run the same
number of queries for 3 items or 300."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from apps.backlog.models import BacklogItem, expected_points
from apps.roadmap.models import Horizon, Milestone, RoadmapItem, quarter_start
from apps.sprints.models import Sprint

DONE = BacklogItem.Status.DONE
DROPPED = BacklogItem.Status.DROPPED
# How far back item throughput is measured, and how many closed sprints are sampled.
ITEM_HISTORY_WEEKS = 26
SPRINT_HISTORY = 10


@dataclass(frozen=True)
class WorkRow:
    """One backlog item of the work linked to a roadmap item or an epic."""

    pk: int
    number: int
    kind: str
    status: str
    story_points: Decimal | None
    low: Decimal | None
    likely: Decimal | None
    high: Decimal | None

    @property
    def is_done(self) -> bool:
        return self.status == DONE

    @property
    def expected(self) -> Decimal | None:
        return expected_points(self.story_points, self.low, self.likely, self.high)


@dataclass(frozen=True)
class Progress:
    items_done: int = 0
    items_total: int = 0
    points_done: Decimal = Decimal(0)
    points_total: Decimal = Decimal(0)

    @property
    def percent(self) -> int:
        """Share of points done, or of items where nothing is estimated."""
        if self.points_total:
            return int(self.points_done * 100 / self.points_total)
        return int(self.items_done * 100 / self.items_total) if self.items_total else 0


_ROW_FIELDS = ("pk", "number", "kind", "status", "story_points", "estimate_optimistic", "estimate_likely")


def _rows(queryset: QuerySet[BacklogItem]) -> tuple[dict[int, WorkRow], dict[int, int | None]]:
    values = queryset.values_list(*_ROW_FIELDS, "estimate_pessimistic", "parent_id")
    rows: dict[int, WorkRow] = {}
    parents: dict[int, int | None] = {}
    for pk, number, kind, status, points, low, likely, high, parent_id in values:
        rows[pk] = WorkRow(pk, number, kind, status, points, low, likely, high)
        parents[pk] = parent_id
    return rows, parents


def work_of(items: Iterable[RoadmapItem]) -> dict[int, list[WorkRow]]:
    """For each roadmap item, the backlog items of its work: the items linked
    directly, the items of its epics (an epic without items counts as one), and
    the items of its linked requests; dropped ones left out. Four queries."""
    ids = [item.pk for item in items]
    links: dict[int, set[int]] = defaultdict(set)
    epics: dict[int, set[int]] = defaultdict(set)
    for item_id, epic_id in RoadmapItem.epics.through.objects.filter(roadmapitem_id__in=ids).values_list(
        "roadmapitem_id", "backlogitem_id"
    ):
        epics[item_id].add(epic_id)
    for item_id, backlog_id in RoadmapItem.backlog_items.through.objects.filter(roadmapitem_id__in=ids).values_list(
        "roadmapitem_id", "backlogitem_id"
    ):
        links[item_id].add(backlog_id)
    for item_id, backlog_id in RoadmapItem.requests.through.objects.filter(
        roadmapitem_id__in=ids, stakeholderrequest__backlog_item__isnull=False
    ).values_list("roadmapitem_id", "stakeholderrequest__backlog_item_id"):
        links[item_id].add(backlog_id)
    all_epics = set().union(*epics.values()) if epics else set()
    all_links = set().union(*links.values()) if links else set()
    rows, parents = _rows(BacklogItem.objects.filter(Q(pk__in=all_epics | all_links) | Q(parent_id__in=all_epics)))
    children: dict[int, set[int]] = defaultdict(set)
    for pk, parent_id in parents.items():
        if parent_id is not None:
            children[parent_id].add(pk)
    result = {}
    for item_id in ids:
        chosen = set(links[item_id])
        for epic_id in epics[item_id]:
            chosen |= children[epic_id] or {epic_id}
        result[item_id] = sorted(
            (rows[pk] for pk in chosen if pk in rows and rows[pk].status != DROPPED), key=lambda row: row.number
        )
    return result


def work_of_epic(epic: BacklogItem) -> list[WorkRow]:
    rows, _ = _rows(BacklogItem.objects.filter(Q(parent=epic) | Q(pk=epic.pk)).exclude(status=DROPPED))
    children = [row for pk, row in rows.items() if pk != epic.pk]
    return sorted(children or [rows[epic.pk]], key=lambda row: row.number) if rows else []


def progress_of(rows: Iterable[WorkRow]) -> Progress:
    rows = list(rows)
    points = [(row.expected or Decimal(0), row.is_done) for row in rows]
    return Progress(
        items_done=sum(row.is_done for row in rows),
        items_total=len(rows),
        points_done=sum((value for value, done in points if done), Decimal(0)),
        points_total=sum((value for value, _ in points), Decimal(0)),
    )


# --- the board, the timeline -----------------------------------------------------


def roadmap_items(items: QuerySet[RoadmapItem]) -> QuerySet[RoadmapItem]:
    """Items (already filtered by access.visible_items) with what the board shows."""
    return items.select_related("forecast", "outcome_metric", "product").order_by("horizon", "rank")


def board(items: QuerySet[RoadmapItem], *, with_work: bool) -> dict[str, list[RoadmapItem]]:
    """Items per horizon in rank order, each with `progress` (from its linked work) when the viewer may see it."""
    rows = list(roadmap_items(items))
    work = work_of(rows) if with_work else {}
    columns: dict[str, list[RoadmapItem]] = {horizon: [] for horizon in Horizon.values}
    for item in rows:
        item.progress = progress_of(work.get(item.pk, []))  # type: ignore[attr-defined]
        columns[item.horizon].append(item)
    for column in columns.values():  # neighbours, for the keyboard's move up / down buttons
        for above, below in zip(column, column[1:], strict=False):
            below.above_id, above.below_id = above.pk, below.pk  # type: ignore[attr-defined]
    return columns


def milestones(milestones: QuerySet[Milestone]) -> list[Milestone]:
    return list(milestones.select_related("roadmap_item", "sprint").order_by("date", "id"))


@dataclass(frozen=True)
class Column:
    start: datetime.date
    end: datetime.date
    label: str
    is_current: bool

    def at(self, day: datetime.date) -> int:
        """Where `day` falls in the column, in percent of its width (for the bar ends and today's line)."""
        return round(100 * ((day - self.start).days + 0.5) / ((self.end - self.start).days + 1))


@dataclass(frozen=True)
class Cell:
    shape: str  # "bar", "start", "end", "single" or "" outside the bar
    left: int = 0  # percent of the cell left empty before the bar
    right: int = 0  # percent after it
    today: int | None = None  # percent where today's line runs, in the current column


@dataclass(frozen=True)
class Bar:
    item: RoadmapItem
    start: datetime.date | None
    end: datetime.date | None
    cells: list[Cell]
    milestones: list[list[Milestone]]


def timeline_columns(*, scale: str, first: datetime.date, last: datetime.date, today: datetime.date) -> list[Column]:
    """Months (or quarters) covering first..last, at most 24 columns."""
    step = 3 if scale == "quarters" else 1
    month = ((first.month - 1) // step) * step + 1
    cursor = datetime.date(first.year, month, 1)
    columns: list[Column] = []
    while cursor <= last and len(columns) < 24:
        following = _add_months(cursor, step)
        end = following - datetime.timedelta(days=1)
        label = f"Q{(cursor.month - 1) // 3 + 1} {cursor.year}" if step == 3 else cursor.strftime("%b %Y")
        columns.append(Column(cursor, end, label, cursor <= today <= end))
        cursor = following
    return columns


def timeline(
    items: list[RoadmapItem], milestone_list: list[Milestone], *, scale: str, today: datetime.date
) -> tuple[list[Column], list[Bar], list[list[Milestone]]]:
    """Columns from the earliest start to the latest end (today included), a
    bar per item that has dates, and the milestones of each column."""
    spans = [(_item_start(item, today), _item_end(item)) for item in items]
    days = [today] + [d for span in spans for d in span if d] + [m.date for m in milestone_list]
    columns = timeline_columns(scale=scale, first=min(days), last=max(days), today=today)
    bars = []
    by_item: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in milestone_list:
        if milestone.roadmap_item_id:
            by_item[milestone.roadmap_item_id].append(milestone)
    for item, (start, end) in zip(items, spans, strict=True):
        cells = []
        for column in columns:
            today_at = column.at(today) if column.is_current else None
            if start is None or end is None or start > column.end or end < column.start:
                cells.append(Cell("", today=today_at))
                continue
            first_cell = start >= column.start
            last_cell = end <= column.end
            shape = "start" if first_cell else "end" if last_cell else "bar"
            cells.append(
                Cell(
                    "single" if first_cell and last_cell else shape,
                    left=column.at(start) if first_cell else 0,
                    right=100 - column.at(end) if last_cell else 0,
                    today=today_at,
                )
            )
        marks = [[m for m in by_item[item.pk] if column.start <= m.date <= column.end] for column in columns]
        bars.append(Bar(item, start, end, cells, marks))
    all_marks = [[m for m in milestone_list if column.start <= m.date <= column.end] for column in columns]
    return columns, bars, all_marks


def _item_start(item: RoadmapItem, today: datetime.date) -> datetime.date | None:
    if item.start_date:
        return item.start_date
    if item.target_quarter and not item.target_date:
        return quarter_start(item.target_quarter)
    end = _item_end(item)
    return min(today, end) if end else None


def _item_end(item: RoadmapItem) -> datetime.date | None:
    """The target, else the forecast's 85 % date, else nothing to draw."""
    if item.target:
        return item.target
    forecast = getattr(item, "forecast", None)
    return forecast.p85 if forecast is not None else None


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


# --- history for the forecasts -----------------------------------------------------


def sprint_history(product_id: int) -> list[tuple[float, int]]:
    """(points completed, length in days) of the last closed sprints, oldest first."""
    recent = (
        Sprint.objects.filter(product_id=product_id, status=Sprint.Status.CLOSED, completed_points__isnull=False)
        .order_by("-end_date", "-id")
        .values_list("completed_points", "start_date", "end_date")[:SPRINT_HISTORY]
    )
    return [(float(points or 0), (end - start).days + 1) for points, start, end in reversed(list(recent))]


def finished_items_per_week(product_id: int, *, today: datetime.date) -> list[int]:
    """Backlog items finished in each of the last weeks (ending today), oldest
    first; the weeks start at the first finish in the window, so a young team
    is not diluted by empty weeks before it began."""
    since = today - datetime.timedelta(weeks=ITEM_HISTORY_WEEKS)
    finished = BacklogItem.objects.filter(
        product_id=product_id, status=DONE, done_at__date__gt=since, done_at__date__lte=today
    ).values_list("done_at", flat=True)
    ages = [(today - done.date()).days // 7 for done in finished if done is not None]
    if not ages:
        return []
    weeks = [0] * (max(ages) + 1)
    for age in ages:
        weeks[age] += 1
    return list(reversed(weeks))


def open_epics(product_id: int) -> QuerySet[BacklogItem]:
    return BacklogItem.objects.filter(product_id=product_id, kind=BacklogItem.Kind.EPIC).exclude(
        status__in=[DONE, DROPPED]
    )


def epics_with_forecasts(product) -> list[BacklogItem]:
    return list(
        BacklogItem.objects.filter(product=product, kind=BacklogItem.Kind.EPIC)
        .exclude(status=DROPPED)
        .select_related("forecast")
        .order_by("rank")
    )


def linked_request_ids(item_ids: Iterable[int]) -> list[int]:
    return list(
        RoadmapItem.requests.through.objects.filter(roadmapitem_id__in=list(item_ids)).values_list(
            "stakeholderrequest_id", flat=True
        )
    )


def item_links(item: RoadmapItem) -> RoadmapItem:
    """One item with its epics, backlog items, requests and milestones loaded."""
    return (
        RoadmapItem.objects.filter(pk=item.pk)
        .select_related("forecast", "outcome_metric", "product")
        .prefetch_related(
            Prefetch("epics", queryset=BacklogItem.objects.order_by("number")),
            Prefetch("backlog_items", queryset=BacklogItem.objects.order_by("number")),
            "requests",
            Prefetch("milestones", queryset=Milestone.objects.order_by("date")),
        )
        .get()
    )


def export_rows(items: QuerySet[RoadmapItem], *, internal: bool) -> list[dict]:
    """One dict per item for the CSV; internal columns only when asked (the caller decides who sees them).
    Hypotheses are those `items` prefetched as `linked_hypotheses` (none otherwise)."""
    rows = list(
        roadmap_items(items).prefetch_related("epics", "backlog_items", "requests")
        if internal
        else roadmap_items(items)
    )
    work = work_of(rows) if internal else {}
    result = []
    for item in rows:
        forecast = getattr(item, "forecast", None)
        row = {
            "id": item.pk,
            "title": item.title,
            "horizon": item.get_horizon_display(),
            "status": item.get_status_display(),
            "start": item.start_date.isoformat() if item.start_date else "",
            "target": item.target_date.isoformat() if item.target_date else item.target_quarter,
            "shared": "yes" if item.shared else "no",
            "description": item.public_description,
            "forecast_85": forecast.p85.isoformat() if forecast and forecast.p85 else "",
            # Only those the caller let through (access.with_hypotheses): a stakeholder's are published ones.
            "hypotheses": " ".join(h.reference for h in getattr(item, "linked_hypotheses", [])),
            "url": item.get_absolute_url(),
        }
        if internal:
            row |= {
                "internal_notes": item.internal_notes,
                "epics": " ".join(f"#{e.number}" for e in item.epics.all()),
                "backlog_items": " ".join(f"#{i.number}" for i in item.backlog_items.all()),
                "requests": " ".join(r.reference for r in item.requests.all()),
                "progress_percent": progress_of(work.get(item.pk, [])).percent,
                "forecast_50": forecast.p50.isoformat() if forecast and forecast.p50 else "",
            }
        result.append(row)
    return result
