"""What the outboxes share (notifications, retro summaries, delivery reports):
one row per message, sent by an on-commit task, with a sweep for the rows
whose task never ran. A row is locked while it is sent and marked sent in the
same transaction, so a task that runs twice, or the sweep racing it, sends
nothing more. The rows have `sent_at` (null until sent) and `created_at`."""

from datetime import timedelta
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

# The on-commit task normally sends within seconds; the sweep only picks up
# what it missed (a lost task, a worker that died), so it leaves fresh rows alone.
SWEEP_GRACE = timedelta(minutes=2)

M = TypeVar("M", bound=Model)


def overdue(rows: QuerySet[M]) -> QuerySet[M]:
    """The rows the sweep sends: unsent past the grace, oldest first."""
    return rows.filter(sent_at__isnull=True, created_at__lt=timezone.now() - SWEEP_GRACE).order_by("created_at")


def lock_unsent(rows: QuerySet[M], pk: int) -> int | None:
    """Lock the row if nobody has sent it yet (inside a transaction): its pk, or None."""
    return rows.select_for_update().filter(pk=pk, sent_at__isnull=True).values_list("pk", flat=True).first()
