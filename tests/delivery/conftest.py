"""A hand-built history of the "recommender" product with known answers.

March 2026. Sprint 1 runs Mon 2 – Wed 11 March (days 0–9), Sprint 2 (carried-over
work) from 12 March. Every change goes through the apps' services at a fixed
moment (`on`), so sprint items, scope events and the backlog's history are
what the portal itself would have recorded.

Sprint 1: A (3), B (5), C (2) committed at the start (10 points).
- A: started day 1, done day 3 (cycle 2 days, lead 6 days).
- B: started day 2; re-estimated 5 → 8 on day 4 (scope change after commit);
  unfinished at the close and carried over; done 16 March (cycle 12, lead 17).
- C: taken out of the sprint on day 6 (removed scope, 2).
- D (1): created and added on day 5 (added scope); started day 7, done day 8,
  reopened day 9 09:00 and done again day 9 15:00 (counted once: cycle 2, lead 4).
Blockers: data access on B from 4 March 10:00 to 14 March 10:00 (10 days, spans
the sprint boundary); "other" on A 3 March 00:00–12:00 (half a day); a dependency
on E (in no sprint) open since 20 February.
Closed day 9 (11 March) 16:00: committed 10, completed 4 (A 3 + D 1), of the
commitment 3 (say/do 30 %), added 1, removed 2, re-estimated +3, carried over 5.
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from apps.backlog import services as backlog
from apps.backlog.models import BacklogItem, Blocker
from apps.sprints import services as sprints
from apps.sprints.models import Sprint, SprintItem

MONDAY = datetime.date(2026, 3, 2)
Status = BacklogItem.Status


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def day(n: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=n)


@contextmanager
def on(moment: datetime.datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def _item(actor, product, title, points, kind=BacklogItem.Kind.STORY):
    item = backlog.item_create(
        actor=actor, product=product, title=title, acceptance_criteria=["Works"], story_points=points, kind=kind
    )
    return backlog.item_set_status(actor=actor, item=item, status=Status.READY)


def _move(actor, item, *statuses):
    item.refresh_from_db()
    for status in statuses:
        item = backlog.item_set_status(actor=actor, item=item, status=status)
    return item


@pytest.fixture
def history(product, pm, scrum_master):
    actor = scrum_master
    with on(at(day(-3))):
        a = _item(actor, product, "A: clean clicks", 3)
        b = _item(actor, product, "B: train ranker", 5)
        c = _item(actor, product, "C: tune thresholds", 2)
        e = _item(actor, product, "E: partner feed", 2)
    with on(at(day(-14))):
        sprint = sprints.sprint_create(
            actor=actor, product=product, name="Sprint 1", start_date=day(0), end_date=day(9)
        )
        for item in (a, b, c):
            sprints.sprint_item_add(actor=actor, sprint=sprint, item=item)
    with on(at(datetime.date(2026, 2, 20), 0)):
        dependency = backlog.blocker_add(actor=actor, item=e, reason="Partner API", kind=Blocker.Kind.DEPENDENCY)
    with on(at(day(0), 9)):
        sprint = sprints.sprint_start(actor=actor, sprint=sprint)
    with on(at(day(1), 0)):
        other = backlog.blocker_add(actor=actor, item=a, reason="Laptop broken")
    with on(at(day(1), 12)):
        backlog.blocker_resolve(actor=actor, blocker=other)
    with on(at(day(1))):
        a = _move(actor, a, Status.IN_PROGRESS)
    with on(at(day(2))):
        b = _move(actor, b, Status.IN_PROGRESS)
        data = backlog.blocker_add(actor=actor, item=b, reason="Access to clicks", kind=Blocker.Kind.DATA_ACCESS)
    with on(at(day(3))):
        a = _move(actor, a, Status.DONE)
    with on(at(day(4))):
        b.refresh_from_db()
        b = backlog.item_update(actor=actor, item=b, expected_version=b.version, story_points=Decimal(8))
    with on(at(day(5))):
        d = _item(actor, product, "D: fix feature drift", 1)
        sprints.sprint_item_add(actor=actor, sprint=sprint, item=d)
    with on(at(day(6))):
        sprints.sprint_item_remove(actor=actor, entry=SprintItem.objects.get(sprint=sprint, item=c))
    with on(at(day(7))):
        d = _move(actor, d, Status.IN_PROGRESS)
    with on(at(day(8))):
        d = _move(actor, d, Status.DONE)
    with on(at(day(9), 9)):
        d = _move(actor, d, Status.IN_PROGRESS)
    with on(at(day(9), 15)):
        d = _move(actor, d, Status.DONE)
    with on(at(day(9), 16)):
        sprint, next_sprint = sprints.sprint_close(
            actor=actor, sprint=Sprint.objects.get(pk=sprint.pk), decisions={b.pk: sprints.CARRY_OVER}
        )
    with on(at(datetime.date(2026, 3, 12), 9)):
        next_sprint = sprints.sprint_start(actor=actor, sprint=next_sprint)
    with on(at(datetime.date(2026, 3, 14))):
        backlog.blocker_resolve(actor=actor, blocker=data)
    with on(at(datetime.date(2026, 3, 16))):
        b = _move(actor, b, Status.DONE)
    return {
        "product": product,
        "sprint": sprint,
        "next_sprint": next_sprint,
        "items": {"a": a, "b": b, "c": c, "d": d, "e": e},
        "blockers": {"data": data, "other": other, "dependency": dependency},
    }


APRIL = at(datetime.date(2026, 4, 2))
