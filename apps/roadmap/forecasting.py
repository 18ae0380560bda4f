"""Forecasts of roadmap items and epics: gathering the history and the
remaining work, running the simulation (apps/roadmap/forecast.py), storing
the result with its inputs, and queueing recomputations after commit.

A recomputation with unchanged inputs writes nothing (the inputs' digest is
stored), so a task run twice leaves one result. A forecast whose 85 % date
moved by more than a week is flagged, and the watchers of requests linked to
the item are told through the requests app's outbox.
"""

import datetime
import hashlib
import json
import logging
import statistics
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils import timezone

from apps.backlog.models import BacklogItem
from apps.conversation import services as conversation
from apps.core import queue
from apps.notifications import services as notifications
from apps.notifications.kinds import Kind
from apps.requests import services as requests_services
from apps.roadmap import forecast, selectors
from apps.roadmap.models import Forecast, RoadmapItem
from apps.roadmap.selectors import WorkRow

log = logging.getLogger(__name__)

Outcome = Forecast.Outcome
# A forecast whose 85 % date moves by more than this is flagged and announced.
MOVE_WORTH_TELLING = 7
RECOMPUTE_TASK = "roadmap.recompute_forecasts"


@dataclass(frozen=True)
class History:
    sprints: list[tuple[float, int]]  # (points completed, days) per closed sprint, oldest first
    weekly_items: list[int]  # items finished per week, oldest first

    @property
    def finished_items(self) -> int:
        return sum(self.weekly_items)


@dataclass
class Computed:
    outcome: str
    message: str
    start: datetime.date
    target: datetime.date | None
    inputs: dict
    fingerprint: str
    summary: forecast.Summary | None = None


@dataclass
class Recomputed:
    changed: list[Forecast] = field(default_factory=list)
    unchanged: int = 0

    @property
    def flagged(self) -> list[Forecast]:
        return [f for f in self.changed if f.flagged]


def history_of(product_id: int, *, today: datetime.date) -> History:
    return History(
        sprints=selectors.sprint_history(product_id),
        weekly_items=selectors.finished_items_per_week(product_id, today=today),
    )


def compute(rows: list[WorkRow], history: History, *, today: datetime.date, target: datetime.date | None) -> Computed:
    """The forecast of this work from this history, counted from `today`. Pure
    apart from the clock it is given: the same inputs give the same result."""
    open_rows = [row for row in rows if not row.is_done]
    base = {"start": today.isoformat(), "target": target.isoformat() if target else None}
    if not rows:
        return _without_dates(Outcome.NO_LINKED_WORK, "Link epics, backlog items or requests to forecast this.", base)
    if not open_rows:
        return _without_dates(Outcome.NO_REMAINING_WORK, "All linked work is done.", base)
    too_little = forecast.not_enough_history(closed_sprints=len(history.sprints), finished_items=history.finished_items)
    if too_little:
        facts = {**base, "closed_sprints": len(history.sprints), "finished_items": history.finished_items}
        return _without_dates(Outcome.NOT_ENOUGH_HISTORY, too_little, facts)
    estimated = [row for row in open_rows if row.expected is not None]
    if len(history.sprints) >= forecast.MIN_CLOSED_SPRINTS and estimated:
        throughput, work, facts = _in_points(rows, open_rows, history)
    elif history.finished_items >= forecast.MIN_FINISHED_ITEMS:
        throughput, work, facts = _in_items(open_rows, history)
    else:
        message = (
            "None of the remaining items is estimated, and fewer than "
            f"{forecast.MIN_FINISHED_ITEMS} items were finished in the last {selectors.ITEM_HISTORY_WEEKS} weeks: "
            "estimate the remaining items to forecast in points per sprint."
        )
        return _without_dates(Outcome.NOT_ENOUGH_HISTORY, message, {**base, "unestimated_items": len(open_rows)})
    inputs = {**base, **facts, "runs": forecast.RUNS}
    fingerprint = _digest({**inputs, "ranges": [work.low.tolist(), work.likely.tolist(), work.high.tolist()]})
    seed = int(fingerprint[:12], 16)
    inputs["seed"] = seed
    days = forecast.simulate_days(throughput, work, runs=forecast.RUNS, seed=seed)
    summary = forecast.summarize(days, start=today, target=target)
    message = "" if summary.p95 else "Some runs do not finish within ten years at the measured pace."
    return Computed(Outcome.FORECAST, message, today, target, inputs, fingerprint, summary)


def _in_points(rows: list[WorkRow], open_rows: list[WorkRow], history: History):
    """Points per sprint: point estimates as they are, ranges sampled, and
    unestimated items counted at the median expected size of the estimated ones."""
    sizes = [_number(row.expected) for row in rows if row.expected is not None]
    fill = statistics.median(sizes)
    ranged = [row for row in open_rows if None not in (row.low, row.likely, row.high)]
    pointed = [row for row in open_rows if row not in ranged and row.story_points is not None]
    unestimated = [row for row in open_rows if row not in ranged and row.story_points is None]
    fixed = sum(_number(row.story_points) for row in pointed) + fill * len(unestimated)
    work = forecast.Work(
        fixed=fixed,
        low=np.array([_number(row.low) for row in ranged]),
        likely=np.array([_number(row.likely) for row in ranged]),
        high=np.array([_number(row.high) for row in ranged]),
    )
    points = [points for points, _ in history.sprints]
    period_days = round(statistics.mean(days for _, days in history.sprints), 2)
    facts = {
        "method": "points per sprint",
        "history": points,
        "period_days": period_days,
        "remaining_items": len(open_rows),
        "point_estimates": round(sum(_number(row.story_points) for row in pointed), 1),
        "ranged_items": len(ranged),
        "ranged_expected": round(sum(_number(row.expected) for row in ranged), 1),
        "unestimated_items": len(unestimated),
        "unestimated_counted_as": round(fill, 1),
    }
    return forecast.Throughput(np.array(points), period_days, "points"), work, facts


def _number(value) -> float:
    return 0.0 if value is None else float(value)


def _in_items(open_rows: list[WorkRow], history: History):
    facts = {
        "method": "items per week",
        "history": history.weekly_items,
        "period_days": 7,
        "remaining_items": len(open_rows),
    }
    return (
        forecast.Throughput(np.array(history.weekly_items, dtype=float), 7, "items"),
        forecast.Work(fixed=float(len(open_rows))),
        facts,
    )


def _without_dates(outcome: str, message: str, inputs: dict) -> Computed:
    start = datetime.date.fromisoformat(inputs["start"])
    target = datetime.date.fromisoformat(inputs["target"]) if inputs.get("target") else None
    return Computed(outcome, message, start, target, inputs, _digest({"outcome": outcome, **inputs}))


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


# --- storing ------------------------------------------------------------------


@transaction.atomic
def store(*, product_id: int, computed: Computed, roadmap_item_id: int | None = None, epic_id: int | None = None):
    """Keep `computed` as the subject's forecast unless its inputs are the
    stored ones. Returns (forecast, changed)."""
    subject: dict[str, int | None] = {"roadmap_item_id": roadmap_item_id} if roadmap_item_id else {"epic_id": epic_id}
    # The subject's row is locked, so two runs at once take turns and the second finds nothing to do.
    if roadmap_item_id:
        RoadmapItem.objects.select_for_update().filter(pk=roadmap_item_id).values_list("pk").first()
    else:
        BacklogItem.objects.select_for_update().filter(pk=epic_id or 0).values_list("pk").first()
    current = Forecast.objects.filter(**subject).first()
    if current is not None and current.fingerprint == computed.fingerprint:
        return current, False
    summary = computed.summary
    new_p85 = summary.p85 if summary else None
    previous = current.p85 if current is not None else None
    moved = (new_p85 - previous).days if new_p85 and previous else 0
    values = {
        "product_id": product_id,
        "outcome": computed.outcome,
        "message": computed.message,
        "computed_at": timezone.now(),
        "start": computed.start,
        "target": computed.target,
        "p50": summary.p50 if summary else None,
        "p85": new_p85,
        "p95": summary.p95 if summary else None,
        "chance_on_target": summary.chance_on_target if summary else None,
        "histogram": summary.histogram if summary else [],
        "inputs": computed.inputs,
        "fingerprint": computed.fingerprint,
        "previous_p85": previous,
        "moved_days": moved,
        "flagged": abs(moved) > MOVE_WORTH_TELLING,
    }
    if current is None:
        return Forecast.objects.create(**subject, **values), True
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    return current, True


def recompute(
    *,
    product_id: int,
    roadmap_item_ids: Iterable[int] | None = None,
    epic_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
) -> Recomputed:
    """Recompute the forecasts of the product's open roadmap items and open
    epics (or only those named), then tell the watchers of requests linked to
    items whose forecast moved by more than a week."""
    today = today or timezone.localdate()
    history = history_of(product_id, today=today)
    result = Recomputed()
    items = RoadmapItem.objects.filter(product_id=product_id).exclude(
        status__in=[RoadmapItem.Status.DELIVERED, RoadmapItem.Status.DROPPED]
    )
    epics = selectors.open_epics(product_id)
    if roadmap_item_ids is not None or epic_ids is not None:
        items = items.filter(pk__in=list(roadmap_item_ids or []))
        epics = epics.filter(pk__in=list(epic_ids or []))
    chosen = list(items)
    work = selectors.work_of(chosen)
    for item in chosen:
        computed = compute(work[item.pk], history, today=today, target=item.target)
        _keep(result, store(product_id=product_id, computed=computed, roadmap_item_id=item.pk))
    for epic in epics:
        computed = compute(selectors.work_of_epic(epic), history, today=today, target=None)
        _keep(result, store(product_id=product_id, computed=computed, epic_id=epic.pk))
    moved_items = [f.roadmap_item_id for f in result.flagged if f.roadmap_item_id]
    if moved_items:
        _tell_watchers(selectors.linked_request_ids(moved_items))
        _tell_item_watchers([f for f in result.flagged if f.roadmap_item_id])
    return result


def _keep(result: Recomputed, stored: tuple[Forecast, bool]) -> None:
    forecast_row, changed = stored
    if changed:
        result.changed.append(forecast_row)
    else:
        result.unchanged += 1


def _tell_watchers(request_ids: list[int]) -> None:
    """The requests app compares each linked request's new expected delivery
    with what its watchers were told and emails them through its outbox."""
    requests_services.expected_deliveries_refresh(request_ids=request_ids)


def _tell_item_watchers(moved: list[Forecast]) -> None:
    """The watchers of each roadmap item whose forecast moved (the team: the
    rule registered for roadmap items) hear of it once per new forecast."""
    by_item = {forecast_row.roadmap_item_id: forecast_row for forecast_row in moved}
    for item in RoadmapItem.objects.filter(pk__in=list(by_item)).select_related("product"):
        moved_forecast = by_item[item.pk]
        days = moved_forecast.moved_days
        notifications.notify(
            kind=Kind.FORECAST_MOVED,
            recipients=conversation.watchers_of(item),
            key=f"roadmap.forecast:{item.pk}:{moved_forecast.fingerprint}",
            text=f"The forecast of “{item.title}” moved {abs(days)} days {'later' if days > 0 else 'earlier'}: "
            f"85 % likely by {moved_forecast.p85.day} {moved_forecast.p85:%b %Y}"
            if moved_forecast.p85
            else f"The forecast of “{item.title}” moved",
            link=item.get_absolute_url(),
            product=item.product_id,
            target=item,
        )


# --- queueing -----------------------------------------------------------------

_pending = threading.local()


def recompute_after_commit(
    product_id: int, *, roadmap_item_ids: Iterable[int] = (), epic_ids: Iterable[int] = (), everything: bool = False
) -> None:
    """Queue a recomputation once the current transaction commits. Several
    changes in one transaction queue one task per product; a broker that is
    down is logged, never an error for the person whose change caused it."""
    wanted = _wanted()
    entry = wanted.setdefault(product_id, {"items": set(), "epics": set(), "everything": False})
    entry["items"].update(roadmap_item_ids)
    entry["epics"].update(epic_ids)
    entry["everything"] |= everything
    transaction.on_commit(_flush)


def _wanted() -> dict:
    if not hasattr(_pending, "wanted"):
        _pending.wanted = {}
    return _pending.wanted


def _flush() -> None:
    wanted, _pending.wanted = _wanted(), {}
    for product_id, entry in wanted.items():
        arguments = (
            {}
            if entry["everything"]
            else {"roadmap_item_ids": sorted(entry["items"]), "epic_ids": sorted(entry["epics"])}
        )
        queue.send(RECOMPUTE_TASK, product_id, **arguments)


def epic_ids_of(items: Iterable[BacklogItem]) -> set[int]:
    ids = {item.pk if item.kind == BacklogItem.Kind.EPIC else item.parent_id for item in items}
    return {pk for pk in ids if pk is not None}
