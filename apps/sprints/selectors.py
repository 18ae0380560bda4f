"""Reads about sprints that pages, the API and other apps share. Each does its
own joins so that the number of queries does not grow with the rows shown."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import TEAM
from apps.backlog import workflow
from apps.backlog.models import BacklogItem, Blocker, ItemRelation, is_overdue
from apps.backlog.rows import shorten
from apps.backlog.selectors import person_name
from apps.sprints import metrics
from apps.sprints.models import (
    ExitCriterion,
    PersonCapacity,
    ScopeEvent,
    Sprint,
    SprintItem,
    SprintSettings,
    SprintStage,
    StageTemplate,
)
from apps.sprints.stages import DATA_SCIENCE_STAGES, StagePlan, criteria_lines

Outcome = SprintItem.Outcome


def planned_sprints(item_ids: Iterable[int]) -> dict[int, Sprint]:
    """For each backlog item id, the planned or active sprint it is committed
    to now; items in no open sprint are absent. One query, whatever the count."""
    entries = SprintItem.objects.filter(item_id__in=list(item_ids), outcome=Outcome.OPEN).select_related("sprint")
    return {entry.item_id: entry.sprint for entry in entries}


def item_sprints(item: BacklogItem) -> list[SprintItem]:
    """Every sprint the item has been in, newest first, with what became of it there."""
    return list(
        SprintItem.objects.filter(item=item)
        .select_related("sprint", "sprint__product")
        .order_by("-sprint__start_date", "-id")
    )


# --- Sprints ------------------------------------------------------------------


def sprints_of(product) -> QuerySet[Sprint]:
    """The product's sprints, newest first (without the frozen burndowns, which only a sprint's chart reads)."""
    return Sprint.objects.filter(product=product).defer("burndown").order_by("-start_date", "-id")


def sprint_list(product) -> QuerySet:
    """The product's sprints, newest first, as plain rows (`values()`) with what
    the list shows of each: how many items it holds and, for a sprint that is
    not closed, its live planned and finished points (None when it has no
    entries at all; closed sprints carry frozen figures). All in one query:
    each figure is a subquery, so only the sprints on the page are counted, and
    a closed sprint's live points are never computed (CASE)."""
    entries = SprintItem.objects.filter(sprint_id=OuterRef("pk")).order_by().values("sprint_id")
    item_counts = entries.exclude(outcome=Outcome.REMOVED).annotate(n=Count("pk")).values("n")
    in_sprint = ~Q(outcome=Outcome.REMOVED)

    def live(condition: Q):
        # Over every entry, removed ones adding 0: no entry at all gives NULL (nothing to show).
        points = Sum(Case(When(condition, then="points"), default=Value(Decimal(0)), output_field=POINTS_FIELD))
        total = Subquery(entries.annotate(p=points).values("p"), output_field=POINTS_FIELD)
        return Case(When(status=Sprint.Status.CLOSED, then=Value(None)), default=total, output_field=POINTS_FIELD)

    return (
        Sprint.objects.filter(product=product)
        .order_by("-start_date", "-id")
        .values(*SPRINT_LIST_FIELDS)
        .annotate(
            item_count=Coalesce(Subquery(item_counts, output_field=IntegerField()), 0),
            live_planned=live(in_sprint),
            live_done=live(in_sprint & Q(item__status=BacklogItem.Status.DONE)),
        )
    )


SPRINT_LIST_FIELDS = (
    "pk",
    "name",
    "kind",
    "status",
    "start_date",
    "end_date",
    "committed_points",
    "completed_points",
    "completed_committed_points",
)
POINTS_FIELD: DecimalField = DecimalField(max_digits=12, decimal_places=1)


def open_sprints(product) -> list[Sprint]:
    return list(Sprint.objects.filter(product=product).exclude(status=Sprint.Status.CLOSED).order_by("start_date"))


def carried_into(sprint: Sprint) -> Sprint | None:
    """The sprint that took over this sprint's unfinished work, if any."""
    if not sprint.is_closed:  # work is carried over when a sprint closes
        return None
    carried = SprintItem.objects.filter(carried_from__sprint=sprint).select_related("sprint").first()
    return carried.sprint if carried else None


@dataclass
class Closing:
    """What the close page shows: finished and unfinished items, and where unfinished work may go."""

    done: list[SprintItem]
    unfinished: list[SprintItem]
    targets: QuerySet[Sprint]  # the product's other planned sprints


def closing(sprint: Sprint) -> Closing:
    entries = sprint_entries(sprint, outcomes=[Outcome.OPEN])
    return Closing(
        done=[entry for entry in entries if entry.item.status == BacklogItem.Status.DONE],
        unfinished=[entry for entry in entries if entry.is_unfinished],
        targets=Sprint.objects.filter(product_id=sprint.product_id, status=Sprint.Status.PLANNED).exclude(pk=sprint.pk),
    )


def sprint_figures(sprint: Sprint) -> metrics.Figures:
    """Frozen figures of a closed sprint, live ones otherwise."""
    if sprint.is_closed:
        return metrics.Figures(
            committed=metrics.points_of(sprint.committed_points),
            added=metrics.points_of(sprint.added_points),
            removed=metrics.points_of(sprint.removed_points),
            completed=metrics.points_of(sprint.completed_points),
            completed_committed=metrics.points_of(sprint.completed_committed_points),
            carried_over=metrics.points_of(sprint.carried_over_points),
            dropped=metrics.points_of(sprint.dropped_points),
        )
    rows = SprintItem.objects.filter(sprint=sprint).values_list("points", "committed", "outcome", "item__status")
    # Before the start everything in the sprint is the plan, carried-over work included:
    # nothing can have been added "mid-sprint" yet.
    planned = sprint.status == Sprint.Status.PLANNED
    return metrics.figures_of(
        metrics.EntryFacts(
            points=points, committed=committed or planned, outcome=outcome, done=status == BacklogItem.Status.DONE
        )
        for points, committed, outcome, status in rows
    )


def days_left(sprint: Sprint, today: datetime.date | None = None) -> int:
    """Days of the sprint's planned dates still ahead (0 once its last day has come)."""
    today = today or timezone.localdate()
    return max((sprint.end_date - today).days, 0)


def days_until_start(sprint: Sprint, today: datetime.date | None = None) -> int:
    """Days until the sprint's planned first day (0 when it is today or past)."""
    today = today or timezone.localdate()
    return max((sprint.start_date - today).days, 0)


def sprint_burndown(sprint: Sprint) -> dict:
    """Remaining points per day. A closed sprint's is the one frozen at close;
    a planned one has only its ideal line from what is planned so far."""
    if sprint.is_closed and sprint.burndown is not None:
        return sprint.burndown
    return _burndown(sprint, sprint.start_date, sprint.end_date, ScopeEvent.objects.filter(sprint=sprint))


def stage_burndown(stage: SprintStage) -> dict:
    if stage.is_closed and stage.burndown is not None:
        return stage.burndown
    events = ScopeEvent.objects.filter(sprint_id=stage.sprint_id, sprint_item__stage=stage)
    return _burndown(stage.sprint, stage.start_date, stage.end_date, events, stage=stage)


def _burndown(sprint: Sprint, start, end, events: QuerySet, stage: SprintStage | None = None) -> dict:
    if sprint.status == Sprint.Status.PLANNED:
        entries = SprintItem.objects.filter(sprint=sprint)
        if stage is not None:
            entries = entries.filter(stage=stage)
        planned = [
            ("committed", metrics.points_of(item.expected_points), start)
            for item in BacklogItem.objects.filter(sprint_entries__in=entries)
        ]
        return metrics.burndown(start=start, end=end, events=planned, today=start - datetime.timedelta(days=1))
    facts = [
        (kind, points, timezone.localdate(happened_at))
        for kind, points, happened_at in events.values_list("kind", "points", "happened_at")
    ]
    today = None if sprint.is_closed else timezone.localdate()
    return metrics.burndown(start=start, end=end, events=facts, today=today)


def velocity(product, last: int = 6) -> dict:
    """Committed against completed points of the product's last `last` closed sprints."""
    recent = list(
        Sprint.objects.filter(product=product, status=Sprint.Status.CLOSED)
        .defer("burndown")
        .order_by("-end_date", "-id")[:last]
    )
    return metrics.velocity(reversed(recent))


# --- Items of a sprint ---------------------------------------------------------


def open_blocker():
    return Exists(Blocker.objects.filter(item_id=OuterRef("item_id"), resolved_at__isnull=True))


def sprint_items(sprint: Sprint) -> QuerySet[SprintItem]:
    """The sprint's items in backlog order, as the API lists them."""
    return (
        SprintItem.objects.filter(sprint=sprint)
        .select_related("item")
        .annotate(blocked=open_blocker())
        .order_by("item__rank")
    )


def sprint_item_row(entry: SprintItem) -> SprintItem:
    """One item of a sprint read again, as `sprint_items` lists it."""
    return sprint_items(entry.sprint).get(pk=entry.pk)


def _entries(entries: QuerySet[SprintItem], *, with_people_and_epic: bool = True) -> QuerySet[SprintItem]:
    """Entries in backlog order with item, stage and `blocked`; planning and the
    board also show the assignee and the epic."""
    if with_people_and_epic:
        entries = entries.select_related("item__assignee", "item__parent").defer("item__parent__description")
    return (
        entries.select_related("item", "stage")
        .defer("item__description", "stage__goal")
        .annotate(blocked=open_blocker())
        .order_by("item__rank")
    )


def sprint_entries(sprint: Sprint, *, outcomes: Iterable[str] | None = None) -> list[SprintItem]:
    """The sprint's items in backlog order, with what the board and plan show of them."""
    entries = SprintItem.objects.filter(sprint=sprint)
    if outcomes is not None:
        entries = entries.filter(outcome__in=list(outcomes))
    return mark_outside_blockers(sprint, list(_entries(entries)))


def sprint_table(sprint: Sprint) -> list[SprintItem]:
    """The sprint's items in backlog order with what the sprint page's table and
    capacity read (item, stage, `blocked`): lighter than `sprint_entries`, which
    planning needs (assignee, epic, blockers outside the sprint)."""
    return list(_entries(SprintItem.objects.filter(sprint=sprint), with_people_and_epic=False))


def mark_outside_blockers(sprint: Sprint, entries: list[SprintItem]) -> list[SprintItem]:
    """Give each entry `blocked_by_outside`: the numbers of the items that block
    it (item links) and are neither done nor in this sprint, so planning can
    warn that the work cannot finish here. One query for the whole sprint."""
    waiting: dict[int, list[int]] = {}
    if entries:
        in_sprint = SprintItem.objects.filter(sprint=sprint, outcome=Outcome.OPEN).values("item_id")
        links = (
            ItemRelation.objects.filter(kind=ItemRelation.Kind.BLOCKS, target_id__in=[e.item_id for e in entries])
            .exclude(source__status=BacklogItem.Status.DONE)
            .exclude(source_id__in=in_sprint)
            .values_list("target_id", "source__number")
            .order_by("source__number")
        )
        for target_id, number in links:
            waiting.setdefault(target_id, []).append(number)
    for entry in entries:
        entry.blocked_by_outside = waiting.get(entry.item_id, [])
    return entries


def planning_backlog(product, *, limit: int = 100) -> list[BacklogItem]:
    """Open backlog items, in rank order, that no open sprint holds yet."""
    in_open_sprint = SprintItem.objects.filter(item_id=OuterRef("pk"), outcome=Outcome.OPEN)
    return list(
        BacklogItem.objects.filter(product=product, status__in=workflow.OPEN)
        .exclude(kind=BacklogItem.Kind.EPIC)
        .exclude(Exists(in_open_sprint))
        .select_related("assignee")
        .annotate(blocked=Exists(Blocker.objects.filter(item_id=OuterRef("pk"), resolved_at__isnull=True)))
        .order_by("rank")[:limit]
    )


def readiness_warnings(item: BacklogItem, *, blocked: bool | None = None) -> list[str]:
    """Why an item in a plan may not be ready to work on. Whether it is blocked
    is `blocked`, or else the item's `blocked` annotation."""
    warnings = []
    if item.status == BacklogItem.Status.NEW:
        warnings.append("not marked ready")
    if not item.is_estimated:
        warnings.append("no estimate")
    if getattr(item, "blocked", False) if blocked is None else blocked:
        warnings.append("blocked")
    return warnings


def entry_warnings(entry: SprintItem) -> list[str]:
    """Readiness warnings of an item of a sprint (from sprint_entries, which annotates
    `blocked` and marks `blocked_by_outside`)."""
    warnings = readiness_warnings(entry.item, blocked=getattr(entry, "blocked", False))
    outside = getattr(entry, "blocked_by_outside", [])
    if outside:
        numbers = ", ".join(f"#{number}" for number in outside)
        warnings.append(f"blocked by {numbers}, not done and not in this sprint")
    return warnings


def not_ready_count(entries: Iterable[SprintItem]) -> int:
    return sum(1 for entry in entries if entry_warnings(entry))


@dataclass
class Capacity:
    capacity: Decimal | None
    expected: Decimal = Decimal(0)
    pessimistic: Decimal = Decimal(0)
    unestimated: int = 0

    @property
    def over(self) -> bool:
        return self.capacity is not None and self.expected > self.capacity

    @property
    def pessimistic_over(self) -> bool:
        return self.capacity is not None and self.pessimistic > self.capacity

    def percent(self, value: Decimal) -> int:
        if not self.capacity:
            return 100 if value else 0
        return min(int(value * 100 / self.capacity), 100)

    @property
    def expected_percent(self) -> int:
        return self.percent(self.expected)

    @property
    def pessimistic_percent(self) -> int:
        return self.percent(self.pessimistic)

    def as_dict(self) -> dict:
        return {
            "capacity": None if self.capacity is None else float(self.capacity),
            "expected": float(self.expected),
            "pessimistic": float(self.pessimistic),
            "unestimated": self.unestimated,
            "over": self.over,
        }


def capacity_of(sprint: Sprint, entries: Iterable[SprintItem]) -> Capacity:
    """Committed work against capacity: expected values of ranged estimates, and the pessimistic total."""
    result = Capacity(capacity=sprint.capacity_points)
    for entry in entries:
        if entry.outcome == Outcome.REMOVED:
            continue
        item = entry.item
        if not item.is_estimated:
            result.unestimated += 1
            continue
        result.expected += metrics.points_of(item.expected_points)
        result.pessimistic += item.estimate_pessimistic if item.has_range else item.story_points
    return result


def team_people(product) -> QuerySet[User]:
    """Who may have a capacity in the product's sprints: its team, not its stakeholders."""
    return User.objects.filter(memberships__product=product, memberships__role__in=TEAM).order_by("username")


def capacities(sprint: Sprint) -> list[PersonCapacity]:
    return list(PersonCapacity.objects.filter(sprint=sprint).select_related("person"))


def has_capacities(sprint: Sprint) -> bool:
    """Whether the team capacity is the sum of per-person capacities (and so not edited by hand)."""
    return PersonCapacity.objects.filter(sprint=sprint).exists()


def sprint_settings(product) -> SprintSettings:
    """How the product runs its sprints (the defaults, unsaved, when it never said)."""
    return SprintSettings.objects.filter(product=product).first() or SprintSettings(product=product)


def working_days(start: datetime.date, end: datetime.date) -> int:
    """Monday to Friday from start to end, both included."""
    return sum(1 for n in range((end - start).days + 1) if (start + datetime.timedelta(days=n)).weekday() < 5)


def effective_capacity(points: Decimal, days_off: int, working: int) -> Decimal:
    if working <= 0:
        return Decimal(0)
    return metrics.points_of(Decimal(points) * (working - days_off) / working)


# --- Board --------------------------------------------------------------------

BOARD_COLUMNS = [
    BacklogItem.Status.NEW,
    BacklogItem.Status.READY,
    BacklogItem.Status.IN_PROGRESS,
    BacklogItem.Status.IN_REVIEW,
    BacklogItem.Status.DONE,
]
SWIMLANES = {"none": "No swimlanes", "assignee": "By assignee", "epic": "By epic"}


@dataclass
class Lane:
    key: str
    title: str
    columns: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[str, list[dict]]]:
        return list(self.columns.items())


# What a board card shows, read as plain values (a board of 120 cards would
# otherwise build 360 model objects before rendering anything).
CARD_FIELDS = [
    "id",
    "item_id",
    "points",
    "blocked",
    "item__number",
    "item__title",
    "item__version",
    "item__status",
    "item__story_points",
    "item__estimate_optimistic",
    "item__estimate_likely",
    "item__estimate_pessimistic",
    "item__assignee_id",
    "item__assignee__username",
    "item__assignee__first_name",
    "item__assignee__last_name",
    "item__parent_id",
    "item__parent__number",
    "item__parent__title",
    "item__due_date",
]


def _cards(entries: QuerySet[SprintItem]) -> list[dict]:
    rows = entries.annotate(blocked=open_blocker()).order_by("item__rank").values(*CARD_FIELDS)
    return [_card(row) for row in rows]


def _card(row: dict) -> dict:
    """A card as the board template reads it (entry.item.title, entry.points, ...)."""
    title = row["item__title"]
    estimate = (row["item__estimate_optimistic"], row["item__estimate_likely"], row["item__estimate_pessimistic"])
    parent = row["item__parent_id"]
    return {
        "id": row["id"],
        "item_id": row["item_id"],
        "points": row["points"],
        "blocked": row["blocked"],
        "item": {
            "number": row["item__number"],
            "title": title,
            "short_title": shorten(title, 50),
            "version": row["item__version"],
            "status": row["item__status"],
            "due_date": row["item__due_date"],
            "is_overdue": is_overdue(row["item__due_date"], row["item__status"]),
            "is_estimated": row["item__story_points"] is not None or None not in estimate,
            "assignee_id": row["item__assignee_id"],
            "assignee": person_name(
                row["item__assignee__first_name"], row["item__assignee__last_name"], row["item__assignee__username"]
            )
            if row["item__assignee_id"]
            else "",
            "parent_id": parent,
            "parent": None if parent is None else {"title": row["item__parent__title"]},
            "parent_name": "" if parent is None else f"#{row['item__parent__number']} {row['item__parent__title']}",
        },
    }


def board_card(sprint: Sprint, item: BacklogItem) -> dict:
    """The board's card of one item of the sprint, as `board` shows it."""
    cards = _cards(SprintItem.objects.filter(sprint=sprint, item=item, outcome=Outcome.OPEN))
    if not cards:
        raise SprintItem.DoesNotExist("The item is not open in this sprint.")
    return cards[0]


def board(sprint: Sprint, lanes: str = "none") -> list[Lane]:
    """The sprint's open items in status columns, split into swimlanes."""
    grouped: dict[str, Lane] = {}
    for card in _cards(SprintItem.objects.filter(sprint=sprint, outcome=Outcome.OPEN)):
        key, title = _lane_of(card["item"], lanes)
        lane = grouped.get(key)
        if lane is None:
            lane = grouped[key] = Lane(key, title, {status: [] for status in BOARD_COLUMNS})
        if card["item"]["status"] in lane.columns:
            lane.columns[card["item"]["status"]].append(card)
    unassigned = [lane for key, lane in grouped.items() if key == "none"]
    return sorted((lane for key, lane in grouped.items() if key != "none"), key=lambda lane: lane.title) + unassigned


@dataclass
class ColumnLoad:
    """How many open cards a board column holds across its lanes, against its WIP limit."""

    status: BacklogItem.Status
    count: int
    limit: int | None

    @property
    def over(self) -> bool:
        return self.limit is not None and self.count > self.limit


def wip_limits(product) -> dict[str, int]:
    """The limits in board column order (PostgreSQL's jsonb keeps keys in an order of its own)."""
    stored = sprint_settings(product).wip_limits or {}
    return {str(column): stored[column] for column in BOARD_COLUMNS if column in stored}


def column_loads(lanes: Iterable[Lane], limits: dict[str, int]) -> list[ColumnLoad]:
    counts = dict.fromkeys(BOARD_COLUMNS, 0)
    for lane in lanes:
        for status, entries in lane.columns.items():
            counts[BacklogItem.Status(status)] += len(entries)
    return [ColumnLoad(status, count, limits.get(str(status))) for status, count in counts.items()]


def _lane_of(item: dict, lanes: str) -> tuple[str, str]:
    if lanes == "assignee":
        return ("none", "Unassigned") if not item["assignee_id"] else (f"user-{item['assignee_id']}", item["assignee"])
    if lanes == "epic":
        return ("none", "No epic") if item["parent_id"] is None else (f"epic-{item['parent_id']}", item["parent_name"])
    return ("none", "All items")


# --- Stages -------------------------------------------------------------------


def stage_plans(product) -> list[StagePlan]:
    """The product's stage template, or the data-science default when it has none."""
    rows = StageTemplate.objects.filter(product=product).order_by("position")
    plans = [StagePlan(row.name, row.days, row.goal, criteria_lines(row.exit_criteria)) for row in rows]
    return plans or list(DATA_SCIENCE_STAGES)


def sprint_stages(sprint: Sprint) -> list[SprintStage]:
    """Stages with their exit criteria and item counts."""
    return list(
        SprintStage.objects.filter(sprint=sprint)
        .prefetch_related("exit_criteria")
        .annotate(
            item_count=Count("sprint_items", filter=Q(sprint_items__outcome=Outcome.OPEN)),
            done_count=Count(
                "sprint_items",
                filter=Q(sprint_items__outcome__in=[Outcome.OPEN, Outcome.FINISHED])
                & Q(sprint_items__item__status=BacklogItem.Status.DONE),
            ),
        )
        .order_by("position")
    )


def stages_of(sprint: Sprint, *, with_criteria: bool = False) -> QuerySet[SprintStage]:
    """The sprint's stages in order (with their exit criteria, as the API shows them)."""
    stages = SprintStage.objects.filter(sprint=sprint).order_by("position")
    return stages.prefetch_related("exit_criteria") if with_criteria else stages


def open_stages(sprint: Sprint) -> QuerySet[SprintStage]:
    """Stages work can still be planned into."""
    return SprintStage.objects.filter(sprint=sprint, closed_at__isnull=True).order_by("position")


def exit_criteria(stage: SprintStage) -> QuerySet[ExitCriterion]:
    return ExitCriterion.objects.filter(stage=stage).select_related("met_by")


def current_stage(stages: list[SprintStage]) -> SprintStage | None:
    return next((stage for stage in stages if not stage.is_closed), None)


# --- Review -------------------------------------------------------------------


@dataclass
class Review:
    shipped: list[SprintItem]
    intermediate: list[SprintItem]
    not_delivered: list[SprintItem]

    @property
    def delivered_count(self) -> int:
        return len(self.shipped) + len(self.intermediate)


def review(sprint: Sprint) -> Review:
    """Finished items, intermediate deliveries (a recorded finding counts even
    if nothing shipped) and what was not delivered."""
    shipped, intermediate, rest = [], [], []
    for entry in sprint_entries(sprint):
        if entry.outcome == Outcome.REMOVED:
            continue
        done = entry.outcome == Outcome.FINISHED or entry.item.status == BacklogItem.Status.DONE
        if done and not entry.finding:
            shipped.append(entry)
        elif entry.finding:
            intermediate.append(entry)
        else:
            rest.append(entry)
    return Review(shipped, intermediate, rest)
