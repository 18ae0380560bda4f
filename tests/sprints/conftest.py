import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from django.utils import timezone

from apps.backlog.models import BacklogItem
from apps.backlog.services import item_create, item_set_status
from apps.sprints import services
from apps.sprints.models import Sprint

MONDAY = datetime.date(2026, 3, 2)


@contextmanager
def on(day: datetime.date, hour: int = 10):
    """Run the block as if it were `day` at `hour` (services read timezone.now)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def day(n: int) -> datetime.date:
    """The n-th day (0-based) of the sprint that starts on MONDAY."""
    return MONDAY + datetime.timedelta(days=n)


def backlog_item(actor, product, title="Work", points=3, status=BacklogItem.Status.READY, **fields):
    """A backlog item made through the backlog's services, walked to `status`."""
    estimate = {} if points is None or "estimate_likely" in fields else {"story_points": points}
    item = item_create(
        actor=actor, product=product, title=title, acceptance_criteria=["It works"], **estimate, **fields
    )
    if status != BacklogItem.Status.NEW:
        item = item_set_status(actor=actor, item=item, status=BacklogItem.Status.READY)
    if status not in (BacklogItem.Status.NEW, BacklogItem.Status.READY):
        item = item_set_status(actor=actor, item=item, status=BacklogItem.Status.IN_PROGRESS)
        if status != BacklogItem.Status.IN_PROGRESS:
            item = item_set_status(actor=actor, item=item, status=status)
    return item


@pytest.fixture
def make_sprint(scrum_master):
    def make(product, name="Sprint 1", start=MONDAY, days=5, **fields):
        return services.sprint_create(
            actor=scrum_master,
            product=product,
            name=name,
            start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
            **fields,
        )

    return make


def finish(actor, item):
    """Walk an item to done through the workflow."""
    item.refresh_from_db()
    for status in (BacklogItem.Status.IN_PROGRESS, BacklogItem.Status.DONE):
        if item.status != status:
            item = item_set_status(actor=actor, item=item, status=status)
    return item


def reload(sprint: Sprint) -> Sprint:
    return Sprint.objects.get(pk=sprint.pk)
