"""The figures of a delivery report, each aggregated by the database.

Every function takes a product and a `Window` (the period) and returns plain,
JSON-ready values; nothing loads a product's items, sprints or history row by
row. Distributions (cycle time, lead time, time to a decision) come back as
histograms of whole days grouped in SQL, and their percentiles are read off
those histograms here (`percentiles`), so the arithmetic can be checked by hand.

Sources: sprint items (what was committed, added, removed, finished, carried
over) and the backlog's history (django-simple-history: when work started and
what an item's estimate was when its sprint closed), blockers, stakeholder
requests, assumptions, hypotheses and experiments, the roadmap's stored
forecasts.
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Floor, Greatest, Least, Round, TruncDate, TruncWeek
from django.utils import timezone

from apps.backlog.models import BacklogItem, Blocker
from apps.hypotheses.models import Assumption, Experiment, Hypothesis
from apps.requests import sla
from apps.requests.models import StakeholderRequest
from apps.requests.selectors import response_target_days
from apps.retros.models import ActionItem
from apps.retros.selectors import health_trend
from apps.roadmap.models import RoadmapItem
from apps.sprints.models import Sprint, SprintItem

Status = BacklogItem.Status
OPEN_STATUSES = (Status.NEW, Status.READY, Status.IN_PROGRESS, Status.IN_REVIEW)
Outcome = SprintItem.Outcome
History = BacklogItem.history.model
POINTS: DecimalField = DecimalField(max_digits=10, decimal_places=3)
PERCENTILES = (50, 85, 95)
VELOCITY_SPRINTS = 12
LONGEST_BLOCKERS = 5
ROADMAP_ROWS = 50


@dataclass(frozen=True)
class Window:
    """The period a report covers: from the start of `start` to the end of `end` (local days)."""

    start: datetime.date
    end: datetime.date

    @property
    def start_at(self) -> datetime.datetime:
        return _midnight(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period."""
        return _midnight(self.end + datetime.timedelta(days=1))

    def as_of(self, now: datetime.datetime | None = None) -> datetime.datetime:
        """The end of the period, or now while it is still running."""
        return min(self.end_at, now or timezone.now())

    def weeks(self) -> list[datetime.date]:
        """The Mondays of the weeks the period touches."""
        monday = self.start - datetime.timedelta(days=self.start.weekday())
        return [monday + datetime.timedelta(weeks=n) for n in range((self.end - monday).days // 7 + 1)]


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DaysBetween(Func):
    """Fractional days from the second datetime expression to the first."""

    arity = 2
    output_field = FloatField()

    def _parts(self, compiler, connection):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return later, earlier, [*later_params, *earlier_params]

    def as_sql(self, compiler, connection, **extra_context):
        later, earlier, params = self._parts(compiler, connection)
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        later, earlier, params = self._parts(compiler, connection)
        return f"(julianday({later}) - julianday({earlier}))", params


def expected_points_expression(prefix: str = "") -> Case:
    """The PERT expected value of a row's three-point range, else its story points (as the backlog computes it)."""
    o, m, p = (F(f"{prefix}estimate_{name}") for name in ("optimistic", "likely", "pessimistic"))
    whole_range = Q(
        **{
            f"{prefix}estimate_optimistic__isnull": False,
            f"{prefix}estimate_likely__isnull": False,
            f"{prefix}estimate_pessimistic__isnull": False,
        }
    )
    return Case(
        When(whole_range, then=ExpressionWrapper((o + 4 * m + p) / 6, output_field=POINTS)),
        default=F(f"{prefix}story_points"),
        output_field=POINTS,
    )


def first_started():
    """When an item was first moved to "in progress", from its history."""
    return Subquery(
        History.objects.filter(id=OuterRef("pk"), status=Status.IN_PROGRESS)
        .order_by("history_date")
        .values("history_date")[:1]
    )


def percentiles(histogram: dict[int, int], wanted: Iterable[int] = PERCENTILES) -> dict[str, int | None]:
    """Nearest-rank percentiles of whole days from a histogram {days: count}:
    the p-th is the smallest day count that at least p % of the items did not exceed."""
    total = sum(histogram.values())
    result: dict[str, int | None] = {}
    for p in wanted:
        if not total:
            result[f"p{p}"] = None
            continue
        rank, seen = math.ceil(p / 100 * total), 0
        for days in sorted(histogram):
            seen += histogram[days]
            if seen >= rank:
                result[f"p{p}"] = days
                break
    return result


def _distribution(rows: Iterable[tuple[float | None, int]]) -> dict:
    histogram: dict[int, int] = {}
    for days, count in rows:
        if days is None:
            continue
        key = max(int(days), 0)
        histogram[key] = histogram.get(key, 0) + count
    total = sum(histogram.values())
    mean = round(sum(days * n for days, n in histogram.items()) / total, 1) if total else None
    return {
        "count": total,
        "mean": mean,
        **percentiles(histogram),
        "histogram": [[days, histogram[days]] for days in sorted(histogram)],
    }


def _float(value) -> float:
    return round(float(value or 0), 1)


def _ratio(part, whole) -> float | None:
    return round(float(part) / float(whole), 3) if whole else None


# --- Sprints ---------------------------------------------------------------------


def sprints_in(product, window: Window, sprint: Sprint | None = None):
    """The sprints that ran in the period: started by its end, and closed in it or still running."""
    if sprint is not None:
        return Sprint.objects.filter(pk=sprint.pk)
    return (
        Sprint.objects.filter(product=product, start_date__lte=window.end, started_at__isnull=False)
        .filter(Q(closed_at__gte=window.start_at) | Q(closed_at__isnull=True, status=Sprint.Status.ACTIVE))
        .exclude(status=Sprint.Status.PLANNED)
    )


def _estimate_at_close():
    """The item's expected points as its history stood when the entry's sprint closed (the latest while it
    runs), rounded as sprint items store points."""
    history = History.objects.filter(id=OuterRef("item_id")).order_by("-history_date", "-history_id")
    expected = Round(expected_points_expression(), 1)
    at_close = history.filter(history_date__lte=OuterRef("sprint__closed_at")).annotate(expected=expected)
    latest = history.annotate(expected=expected)
    return Coalesce(
        Subquery(at_close.values("expected")[:1], output_field=POINTS),
        Subquery(latest.values("expected")[:1], output_field=POINTS),
        F("points"),
        output_field=POINTS,
    )


def sprint_rows(product, window: Window, sprint: Sprint | None = None) -> list[dict]:
    """Sprint by sprint: committed, added, removed, completed, carried over,
    say/do, and scope changed by re-estimating committed work. Two queries."""
    sprints = list(
        sprints_in(product, window, sprint)
        .order_by("start_date", "pk")
        .values("pk", "name", "start_date", "end_date", "status", "closed_at", "started_at")
    )
    if not sprints:
        return []
    ids = [row["pk"] for row in sprints]
    in_sprint = ~Q(outcome=Outcome.REMOVED)
    finished = Q(outcome=Outcome.FINISHED) | Q(outcome=Outcome.OPEN, item__status=Status.DONE)
    estimate = _estimate_at_close()
    delta = ExpressionWrapper(estimate - F("points"), output_field=POINTS)
    # The aggregates are named apart from the model's fields ("committed" is one), or a filter on the
    # field would read the aggregate.
    totals = {
        row["sprint_id"]: row
        for row in SprintItem.objects.filter(sprint_id__in=ids)
        .values("sprint_id")
        .annotate(
            n_committed=Sum("points", filter=Q(committed=True)),
            n_added=Sum("points", filter=Q(committed=False)),
            n_removed=Sum("points", filter=Q(outcome=Outcome.REMOVED)),
            n_completed=Sum("points", filter=finished),
            n_completed_committed=Sum("points", filter=finished & Q(committed=True)),
            n_carried_over=Sum("points", filter=Q(outcome=Outcome.CARRIED_OVER)),
            n_carried_items=Count("pk", filter=Q(outcome=Outcome.CARRIED_OVER)),
            n_dropped=Sum("points", filter=Q(outcome=Outcome.DROPPED)),
            n_items=Count("pk", filter=in_sprint),
            n_findings=Count("pk", filter=in_sprint & ~Q(finding="")),
            n_up=Sum(Case(When(in_sprint, then=Greatest(delta, Value(0))), default=Value(0), output_field=POINTS)),
            n_down=Sum(Case(When(in_sprint, then=Greatest(-delta, Value(0))), default=Value(0), output_field=POINTS)),
        )
    }
    rows = []
    for sprint_row in sprints:
        t = totals.get(sprint_row["pk"], {})
        committed, added, removed = _float(t.get("n_committed")), _float(t.get("n_added")), _float(t.get("n_removed"))
        up, down = _float(t.get("n_up")), _float(t.get("n_down"))
        completed_committed = _float(t.get("n_completed_committed"))
        rows.append(
            {
                "id": sprint_row["pk"],
                "name": sprint_row["name"],
                "start": sprint_row["start_date"].isoformat(),
                "end": sprint_row["end_date"].isoformat(),
                "closed": sprint_row["status"] == Sprint.Status.CLOSED,
                "committed": committed,
                "completed": _float(t.get("n_completed")),
                "completed_committed": completed_committed,
                "say_do": _ratio(completed_committed, committed),
                "added": added,
                "removed": removed,
                "reestimated_up": up,
                "reestimated_down": down,
                "scope_added": round(added + up, 1),
                "scope_removed": round(removed + down, 1),
                "carried_over": _float(t.get("n_carried_over")),
                "carried_items": t.get("n_carried_items") or 0,
                "dropped": _float(t.get("n_dropped")),
                "items": t.get("n_items") or 0,
                "findings": t.get("n_findings") or 0,
            }
        )
    return rows


def velocity_trend(product, window: Window) -> dict:
    """Committed against completed points of the last closed sprints up to the period's end (frozen figures)."""
    recent = list(
        Sprint.objects.filter(product=product, status=Sprint.Status.CLOSED, closed_at__lt=window.end_at)
        .order_by("-closed_at", "-pk")
        .values("name", "end_date", "committed_points", "completed_points")[:VELOCITY_SPRINTS]
    )[::-1]
    rows = [
        {
            "name": r["name"],
            "end": r["end_date"].isoformat(),
            "committed": _float(r["committed_points"]),
            "completed": _float(r["completed_points"]),
        }
        for r in recent
    ]
    completed = [_float(r["completed_points"]) for r in recent]
    average = round(sum(completed) / len(completed), 1) if completed else None
    trend = None
    if len(completed) >= 6:
        before, after = sum(completed[-6:-3]) / 3, sum(completed[-3:]) / 3
        change = (after - before) / before if before else None
        if change is not None:
            trend = "rising" if change > 0.1 else "falling" if change < -0.1 else "steady"
    return {"sprints": rows, "average": average, "trend": trend}


def sprint_section(product, window: Window, sprint: Sprint | None = None) -> dict:
    rows = sprint_rows(product, window, sprint)
    committed = sum(row["committed"] for row in rows)
    completed_committed = sum(row["completed_committed"] for row in rows)
    return {
        "sprints": rows,
        "committed": round(committed, 1),
        "completed": round(sum(row["completed"] for row in rows), 1),
        "completed_committed": round(completed_committed, 1),
        "say_do": _ratio(completed_committed, committed),
        "scope_added": round(sum(row["scope_added"] for row in rows), 1),
        "scope_removed": round(sum(row["scope_removed"] for row in rows), 1),
        "reestimated": round(sum(row["reestimated_up"] - row["reestimated_down"] for row in rows), 1),
        "carried_over": round(sum(row["carried_over"] for row in rows), 1),
        "velocity": velocity_trend(product, window),
    }


# --- Flow --------------------------------------------------------------------------


def _work(product):
    return BacklogItem.objects.filter(product=product).exclude(kind=BacklogItem.Kind.EPIC)


def finished_in(product, window: Window):
    """Items done in the period (and still done: a reopened item counts when it is finished again)."""
    return _work(product).filter(status=Status.DONE, done_at__gte=window.start_at, done_at__lt=window.end_at)


def flow_section(product, window: Window) -> dict:
    done = finished_in(product, window)
    per_week = {
        timezone.localtime(row["week"]).date() if isinstance(row["week"], datetime.datetime) else row["week"]: row
        for row in done.annotate(week=TruncWeek("done_at"))
        .values("week")
        .annotate(items=Count("pk"), points=Sum(Coalesce("story_points", "estimate_likely")))
        .order_by("week")
    }
    throughput = [
        {
            "week": monday.isoformat(),
            "items": per_week.get(monday, {}).get("items", 0),
            "points": _float(per_week.get(monday, {}).get("points")),
        }
        for monday in window.weeks()
    ]
    cycle = done.annotate(started=first_started()).filter(started__isnull=False)
    cycle_rows = (
        cycle.annotate(days=Floor(DaysBetween(F("done_at"), F("started"))))
        .values("days")
        .annotate(n=Count("pk"))
        .values_list("days", "n")
    )
    lead_rows = (
        done.annotate(days=Floor(DaysBetween(F("done_at"), F("created_at"))))
        .values("days")
        .annotate(n=Count("pk"))
        .values_list("days", "n")
    )
    by_kind = [
        {
            "kind": row["kind"],
            "label": BacklogItem.Kind(row["kind"]).label,
            "items": row["items"],
            "points": _float(row["points"]),
        }
        for row in done.values("kind")
        .annotate(items=Count("pk"), points=Sum(Coalesce("story_points", "estimate_likely")))
        .order_by("-items", "kind")
    ]
    return {
        "finished": sum(row["items"] for row in throughput),
        "throughput": throughput,
        "cycle_time": _distribution(cycle_rows),
        "lead_time": _distribution(lead_rows),
        "cumulative_flow": cumulative_flow(product, window),
        "by_kind": by_kind,
    }


def _flow_days(window: Window) -> list[datetime.date]:
    days = [window.start + datetime.timedelta(days=n) for n in range(0, (window.end - window.start).days + 1, 7)]
    if days[-1] != window.end:
        days.append(window.end)
    return days


def cumulative_flow(product, window: Window) -> dict:
    """At the end of each week of the period: how many items had arrived, started
    (first moved to "in progress", from the history) and were done (dropped items
    left out). Work finished before the period is counted once, from the items'
    own columns; only the items still open at its start are looked up in the
    history. Four small queries, however long the product's history."""
    days = _flow_days(window)
    moments = [_midnight(day + datetime.timedelta(days=1)) for day in days]
    work = _work(product).exclude(status=Status.DROPPED).filter(created_at__lt=window.end_at)
    # Three small reads instead of one walk over every item: work finished before the period
    # (counted once), work finished in it or after, and work still open (both by index).
    # (Done before the period implies arrived before its end: the count reads the index alone.)
    earlier = (
        BacklogItem.objects.filter(product=product, status=Status.DONE, done_at__lt=window.start_at)
        .exclude(kind=BacklogItem.Kind.EPIC)
        .count()
    )
    finished_since = work.filter(status=Status.DONE, done_at__gte=window.start_at)
    still_open = work.filter(status__in=list(OPEN_STATUSES))
    arrivals = {f"arrived_{n}": Count("pk", filter=Q(created_at__lt=moment)) for n, moment in enumerate(moments)}
    finishes = {f"done_{n}": Count("pk", filter=Q(done_at__lt=moment)) for n, moment in enumerate(moments)}
    counts = finished_since.aggregate(**arrivals, **finishes)
    open_counts = still_open.aggregate(**arrivals)
    firsts = (
        History.objects.filter(status=Status.IN_PROGRESS)
        .filter(Q(id__in=finished_since.values("pk")) | Q(id__in=still_open.values("pk")))
        .values("id")
        .annotate(first=Min("history_date"))
        .order_by()
    )
    started = firsts.aggregate(**{f"n{n}": Count("id", filter=Q(first__lt=moment)) for n, moment in enumerate(moments)})
    for n in range(len(moments)):
        counts[f"arrived_{n}"] += earlier + open_counts[f"arrived_{n}"]
        counts[f"done_{n}"] += earlier
    series: dict[str, list] = {"days": [day.isoformat() for day in days], "to_do": [], "in_progress": [], "done": []}
    for n in range(len(days)):
        arrived, done = counts[f"arrived_{n}"], counts[f"done_{n}"]
        begun = max(earlier + started[f"n{n}"], done)
        series["to_do"].append(max(arrived - begun, 0))
        series["in_progress"].append(begun - done)
        series["done"].append(done)
    return series


# --- Science -----------------------------------------------------------------------


def science_section(product, window: Window, sprint_ids: list[int]) -> dict:
    done = finished_in(product, window)
    experiments = list(done.filter(kind=BacklogItem.Kind.EXPERIMENT).order_by("done_at").values("number", "title")[:20])
    experiment_count = (
        done.filter(kind=BacklogItem.Kind.EXPERIMENT).count() if len(experiments) == 20 else len(experiments)
    )
    findings = SprintItem.objects.filter(sprint_id__in=sprint_ids).exclude(finding="").count() if sprint_ids else 0
    wrong = Assumption.objects.filter(
        product=product, status=Assumption.Status.WRONG, checked_at__gte=window.start_at, checked_at__lt=window.end_at
    )
    follow_ups = BacklogItem.objects.filter(spawned_by_assumptions__in=wrong).distinct()
    cost = BacklogItem.objects.filter(pk__in=follow_ups.values("pk")).aggregate(
        items=Count("pk"), points=Sum(Round(expected_points_expression(), 1))
    )
    return {
        "experiments_concluded": experiment_count,
        "experiments": experiments,
        "intermediate_deliveries": findings,
        "wrong_assumptions": wrong.count(),
        "follow_up_items": cost["items"] or 0,
        "follow_up_points": _float(cost["points"]),
        "hypotheses": hypotheses_figures(product, window),
    }


def hypotheses_figures(product, window: Window) -> dict:
    """Hypotheses validated, invalidated and inconclusive in the period (by when they were
    concluded), and the experiments concluded in it."""
    inside = Q(concluded_at__gte=window.start_at, concluded_at__lt=window.end_at)
    counts = (
        Hypothesis.objects.filter(product=product)
        .filter(inside)
        .aggregate(
            validated=Count("pk", filter=Q(status=Hypothesis.Status.VALIDATED)),
            invalidated=Count("pk", filter=Q(status=Hypothesis.Status.INVALIDATED)),
            inconclusive=Count("pk", filter=Q(status=Hypothesis.Status.INCONCLUSIVE)),
        )
    )
    concluded = Experiment.objects.filter(product=product, status=Experiment.Status.CONCLUDED).filter(inside)
    return {**counts, "experiments_concluded": concluded.count()}


# --- Blockers ----------------------------------------------------------------------


def blocker_section(product, window: Window, now: datetime.datetime | None = None) -> dict:
    """Blocker-days inside the period (a blocker spanning its edges counts only its part inside),
    data-access waits separately, and the longest blockers still open at its end."""
    as_of = window.as_of(now)
    start = window.start_at
    overlapping = Blocker.objects.filter(item__product=product, since__lt=as_of).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gt=start)
    )
    lost = DaysBetween(
        Least(Coalesce(F("resolved_at"), Value(as_of)), Value(as_of)), Greatest(F("since"), Value(start))
    )
    data = Q(kind=Blocker.Kind.DATA_ACCESS)
    totals = overlapping.annotate(lost=lost).aggregate(
        blockers=Count("pk"),
        items=Count("item", distinct=True),
        days=Sum("lost"),
        data_blockers=Count("pk", filter=data),
        data_items=Count("item", distinct=True, filter=data),
        data_days=Sum("lost", filter=data),
    )
    still_open = overlapping.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=as_of))
    longest = [
        {
            "number": row["item__number"],
            "title": row["item__title"],
            "kind": row["kind"],
            "kind_label": Blocker.Kind(row["kind"]).label,
            "reason": row["reason"],
            "since": timezone.localdate(row["since"]).isoformat(),
            "days": int((as_of - row["since"]).total_seconds() // 86400),
        }
        for row in still_open.order_by("since", "pk").values("item__number", "item__title", "kind", "reason", "since")[
            :LONGEST_BLOCKERS
        ]
    ]
    return {
        "blockers": totals["blockers"],
        "items": totals["items"],
        "days": _float(totals["days"]),
        "data_access_blockers": totals["data_blockers"],
        "data_access_items": totals["data_items"],
        "data_access_days": _float(totals["data_days"]),
        "other_days": round(_float(totals["days"]) - _float(totals["data_days"]), 1),
        "open_at_end": still_open.count(),
        "longest_open": longest,
    }


# --- Stakeholder requests ---------------------------------------------------------------


def _working_days(rows) -> dict:
    histogram: dict[int, int] = {}
    for first, last, count in rows:
        days = sla.working_days_between(first, last)
        histogram[days] = histogram.get(days, 0) + count
    return histogram


def request_section(product, window: Window) -> dict:
    """Requests received, decided and delivered in the period; working days to a first
    response and to a decision (medians), and decisions within the product's target."""
    requests = StakeholderRequest.objects.filter(product=product)
    inside = {"__gte": window.start_at, "__lt": window.end_at}

    def within(field: str) -> Q:
        return Q(**{f"{field}{lookup}": moment for lookup, moment in inside.items()})

    counts = requests.aggregate(
        received=Count("pk", filter=within("created_at")),
        first_responses=Count("pk", filter=within("first_response_at")),
        decided=Count("pk", filter=within("decided_at")),
        delivered=Count("pk", filter=within("delivered_at")),
        waiting=Count(
            "pk", filter=Q(created_at__lt=window.end_at, decided_at__isnull=True, status__in=["new", "needs_info"])
        ),
    )

    def days_to(field: str) -> dict[int, int]:
        rows = (
            requests.filter(within(field))
            .annotate(asked=TruncDate("created_at"), answered=TruncDate(field))
            .values("asked", "answered")
            .annotate(n=Count("pk"))
            .values_list("asked", "answered", "n")
        )
        return _working_days(rows)

    response = days_to("first_response_at")
    decision = days_to("decided_at")
    target = response_target_days(product)
    on_target = sum(n for days, n in decision.items() if days <= target)
    return {
        **counts,
        "target_days": target,
        "median_first_response_days": percentiles(response, (50,))["p50"],
        "median_decision_days": percentiles(decision, (50,))["p50"],
        "decided_on_target": on_target,
        "decided_on_target_share": _ratio(on_target, sum(decision.values())),
    }


# --- Roadmap -------------------------------------------------------------------------------


def roadmap_section(product, previous: dict | None) -> dict:
    """Open roadmap items with their forecast dates, and how each moved since the previous report."""
    before = {row["id"]: row for row in ((previous or {}).get("roadmap") or {}).get("items", [])}
    rows = []
    items = (
        RoadmapItem.objects.filter(
            product=product, status__in=[RoadmapItem.Status.PLANNED, RoadmapItem.Status.IN_PROGRESS]
        )
        .select_related("forecast")
        .order_by("horizon", "rank")[:ROADMAP_ROWS]
    )
    for item in items:
        forecast = getattr(item, "forecast", None)
        p50 = forecast.p50.isoformat() if forecast and forecast.p50 else None
        p85 = forecast.p85.isoformat() if forecast and forecast.p85 else None
        old = before.get(item.pk)
        if old is None:
            moved, moved_days = "new" if previous else "", None
        elif old.get("p85") and p85 and old["p85"] != p85:
            moved_days = (datetime.date.fromisoformat(p85) - datetime.date.fromisoformat(old["p85"])).days
            moved = "later" if moved_days > 0 else "earlier"
        else:
            moved, moved_days = "same", 0
        rows.append(
            {
                "id": item.pk,
                "title": item.title,
                "horizon": item.horizon,
                "status": item.get_status_display(),
                "shared": item.shared,
                "target": item.target_date.isoformat() if item.target_date else None,
                "p50": p50,
                "p85": p85,
                "forecast_note": "" if forecast is None else (forecast.message or forecast.get_outcome_display()),
                "moved": moved,
                "moved_days": moved_days,
            }
        )
    return {"items": rows, "moved": sum(1 for row in rows if row["moved"] in ("later", "earlier"))}


# --- Team ------------------------------------------------------------------------------------


def team_section(product, window: Window) -> dict:
    """The health-check trend (its last closed checks, each dimension scored green 100 / amber 50 / red 0,
    and the mean of those scores; checks below their minimum of answers show no figures) and the retro
    actions of retrospectives held up to the period's end: done against still open."""
    trend = health_trend(product, last=6)
    checks = []
    for n, check in enumerate(trend["checks"]):
        cells = [row["cells"][n] for row in trend["dimensions"] if row["cells"][n] is not None]
        score = round(sum(cell["score"] for cell in cells) / len(cells)) if cells and check["enough"] else None
        checks.append(
            {"label": check["label"], "enough": check["enough"], "responses": check["responses"], "score": score}
        )
    Status = ActionItem.Status
    actions = ActionItem.objects.filter(retro__product=product, retro__created_at__lt=window.end_at).aggregate(
        done=Count("pk", filter=Q(status=Status.DONE)),
        open=Count("pk", filter=Q(status__in=[Status.OPEN, Status.CARRIED])),
        dropped=Count("pk", filter=Q(status=Status.DROPPED)),
        done_in_period=Count("pk", filter=Q(status=Status.DONE, retro__created_at__gte=window.start_at)),
    )
    return {
        "health": checks,
        "dimensions": [
            {"name": row["name"], "scores": [None if cell is None else cell["score"] for cell in row["cells"]]}
            for row in trend["dimensions"]
        ],
        "actions_done": actions["done"],
        "actions_open": actions["open"],
        "actions_dropped": actions["dropped"],
    }


# --- The whole report -------------------------------------------------------------------------


def report_figures(product, window: Window, *, sprint: Sprint | None = None, previous: dict | None = None) -> dict:
    """Every section of a report of `product` for `window` (of one sprint when `sprint` is given).
    `previous` is the figures of the product's report before this one (for what moved)."""
    sprints = sprint_section(product, window, sprint)
    sprint_ids = [row["id"] for row in sprints["sprints"]]
    return {
        "product": product.name,
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "sprint_name": sprint.name if sprint else None,
        "sprints": sprints,
        "flow": flow_section(product, window),
        "science": science_section(product, window, sprint_ids),
        "blockers": blocker_section(product, window),
        "requests": request_section(product, window),
        "roadmap": roadmap_section(product, previous),
        "team": team_section(product, window),
    }


def headline(figures: dict) -> dict:
    """The few figures the portfolio and the stakeholders' summary show."""
    sprints, flow, blockers, requests = (figures.get(key) or {} for key in ("sprints", "flow", "blockers", "requests"))
    return {
        "committed": sprints.get("committed"),
        "completed_committed": sprints.get("completed_committed"),
        "say_do": sprints.get("say_do"),
        "finished": flow.get("finished"),
        "cycle_p85": (flow.get("cycle_time") or {}).get("p85"),
        "blocker_days": blockers.get("days"),
        "data_access_days": blockers.get("data_access_days"),
        "requests_received": requests.get("received"),
        "requests_delivered": requests.get("delivered"),
    }
