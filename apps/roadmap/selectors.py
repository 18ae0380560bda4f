"""Reads that the roadmap's pages, API, feed, export and forecasts share.
Each does its own joins: the board, the timeline and the CSV run the same
number of queries for 3 items or 300."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from apps.backlog.models import BacklogItem, expected_points
from apps.roadmap.models import Milestone, RoadmapItem
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


_ROW_FIELDS = ("id", "number", "kind", "status", "story_points", "estimate_optimistic", "estimate_likely")


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
    the items of its linked requests; dropped ones left out. One query."""
    return work_of_ids([item.pk for item in items])


_WORK_FIELDS = (*_ROW_FIELDS, "estimate_pessimistic")


def work_of_ids(ids: list[int], scope: QuerySet[RoadmapItem] | None = None) -> dict[int, list[WorkRow]]:
    """work_of, by the roadmap items' ids, in one query: the union of the
    (roadmap item, backlog item) pairs of the four ways work is linked, each
    with the backlog item's fields. With `scope` (a query of those items), the
    database is asked by subquery instead of hundreds of ids as parameters."""
    within = scope.values("pk") if scope is not None else ids
    through = RoadmapItem.epics.through.objects, RoadmapItem.backlog_items.through.objects

    def pairs(links, backlog: str):
        return links.values_list("roadmapitem_id", *(f"{backlog}__{name}" for name in _WORK_FIELDS))

    epics, linked = (links.filter(roadmapitem_id__in=within) for links in through)
    requests = RoadmapItem.requests.through.objects.filter(
        roadmapitem_id__in=within, stakeholderrequest__backlog_item__isnull=False
    )
    union = pairs(linked, "backlogitem").union(
        pairs(requests, "stakeholderrequest__backlog_item"),
        pairs(epics.filter(backlogitem__children__isnull=False), "backlogitem__children"),
        pairs(epics.filter(backlogitem__children__isnull=True), "backlogitem"),  # an epic without items counts as one
    )
    result: dict[int, list[WorkRow]] = {item_id: [] for item_id in ids}
    for item_id, pk, number, kind, status, points, low, likely, high in union:
        if status != DROPPED and item_id in result:
            result[item_id].append(WorkRow(pk, number, kind, status, points, low, likely, high))
    for rows in result.values():
        rows.sort(key=lambda row: row.number)
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
