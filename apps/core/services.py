import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from apps.core.models import IdempotencyRecord
from portal.schedule import SCHEDULE, Entry


@transaction.atomic
def schedule_install(entries: list[Entry] = SCHEDULE) -> list[str]:
    """Create the periodic tasks that do not exist yet; return their names."""
    created = []
    for entry in entries:
        if PeriodicTask.objects.filter(name=entry.name).exists():
            continue
        PeriodicTask.objects.create(
            name=entry.name,
            task=entry.task,
            description=entry.description,
            kwargs=json.dumps({}),
            **_when(entry),
        )
        created.append(entry.name)
    return created


def _when(entry: Entry) -> dict:
    if entry.every is not None:
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=int(entry.every.total_seconds()), period=IntervalSchedule.SECONDS
        )
        return {"interval": interval}
    assert entry.crontab is not None  # an entry runs every N seconds or on a crontab  # noqa: S101
    minute, hour, day_of_month, month_of_year, day_of_week = entry.crontab.split()
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )
    return {"crontab": crontab}


def idempotency_records_purge() -> int:
    """Forget first answers older than the window; return how many went."""
    cutoff = timezone.now() - timedelta(minutes=settings.IDEMPOTENCY_WINDOW_MINUTES)
    removed, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return removed
