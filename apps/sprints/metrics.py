"""Sprint figures, burndown and velocity, computed from what was recorded.

Pure functions over plain values, so the numbers can be checked by hand; the
selectors feed them from the database and services freeze them at close.
"""

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

ZERO = Decimal(0)
TENTH = Decimal("0.1")


def points_of(value: Decimal | None) -> Decimal:
    """Points rounded to one decimal as stored on sprint items; unestimated work counts 0."""
    return ZERO if value is None else Decimal(value).quantize(TENTH)


@dataclass(frozen=True)
class EntryFacts:
    """What the figures need to know about one sprint item."""

    points: Decimal
    committed: bool
    outcome: str  # a SprintItem.Outcome value
    done: bool  # the backlog item's status is done


@dataclass(frozen=True)
class Figures:
    committed: Decimal = ZERO
    added: Decimal = ZERO
    removed: Decimal = ZERO
    completed: Decimal = ZERO
    completed_committed: Decimal = ZERO
    carried_over: Decimal = ZERO
    dropped: Decimal = ZERO

    @property
    def say_do_ratio(self) -> Decimal | None:
        """Committed points finished, over committed points."""
        return self.completed_committed / self.committed if self.committed else None

    @property
    def scope_change(self) -> Decimal:
        """Net points added after the plan was made."""
        return self.added - self.removed

    def as_dict(self) -> dict:
        ratio = self.say_do_ratio
        return {
            **{name: float(value) for name, value in asdict(self).items()},
            "say_do_ratio": None if ratio is None else round(float(ratio), 3),
            "scope_change": float(self.scope_change),
        }


def figures_of(entries: Iterable[EntryFacts]) -> Figures:
    """Committed, added, removed, completed, carried-over and dropped points.

    An open entry whose item is done counts as completed (the sprint is still
    running); outcomes decided at close count as recorded.
    """
    totals = dict.fromkeys(("committed", "added", "removed", "completed", "completed_committed"), ZERO)
    totals |= {"carried_over": ZERO, "dropped": ZERO}
    for entry in entries:
        totals["committed" if entry.committed else "added"] += entry.points
        finished = entry.outcome == "finished" or (entry.outcome == "open" and entry.done)
        if finished:
            totals["completed"] += entry.points
            if entry.committed:
                totals["completed_committed"] += entry.points
        elif entry.outcome in ("removed", "carried_over", "dropped"):
            totals[entry.outcome] += entry.points
    return Figures(**totals)


# How each kind of scope event changes the remaining points, and whether it is
# a change of scope (as opposed to progress).
_EFFECT = {"committed": 1, "added": 1, "removed": -1, "finished": -1, "reopened": 1}


def burndown(
    *,
    start: datetime.date,
    end: datetime.date,
    events: Iterable[tuple[str, Decimal, datetime.date]],
    today: datetime.date | None = None,
) -> dict:
    """Remaining points at the end of each day from `start` to `end`.

    `events` are (kind, points, day) of ScopeEvent kinds. The ideal line runs
    from the points committed at the start to zero on the last day. Events
    before the first day count on it, after the last day on the last. Days
    after `today` have no remaining value yet (None).
    """
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    last = len(days) - 1
    delta = [ZERO] * len(days)
    added = [ZERO] * len(days)
    removed = [ZERO] * len(days)
    completed = [ZERO] * len(days)
    committed = ZERO
    for kind, points, day in events:
        index = min(max((day - start).days, 0), last)
        delta[index] += _EFFECT[kind] * points
        if kind == "committed":
            committed += points
        elif kind == "added":
            added[index] += points
        elif kind == "removed":
            removed[index] += points
        else:
            completed[index] += points if kind == "finished" else -points
    remaining, running = [], ZERO
    for index, day in enumerate(days):
        running += delta[index]
        remaining.append(None if today is not None and day > today else float(running))
    ideal = [round(float(committed) * (1 - n / last), 2) if last else 0.0 for n in range(len(days))]
    return {
        "days": [day.isoformat() for day in days],
        "committed": float(committed),
        "ideal": ideal,
        "remaining": remaining,
        "added": [float(value) for value in added],
        "removed": [float(value) for value in removed],
        "completed": [float(value) for value in completed],
    }


def velocity(sprints: Iterable) -> dict:
    """Committed against completed points of closed sprints, oldest first."""
    rows = [
        {
            "sprint": sprint.pk,
            "name": sprint.name,
            "end_date": sprint.end_date.isoformat(),
            "committed": float(sprint.committed_points or 0),
            "completed": float(sprint.completed_points or 0),
            "say_do_ratio": None if sprint.say_do_ratio is None else round(float(sprint.say_do_ratio), 3),
        }
        for sprint in sprints
    ]
    average = round(sum(row["completed"] for row in rows) / len(rows), 1) if rows else None
    return {"sprints": rows, "average_completed": average}
