"""A survey's cadence, kept in django-celery-beat: one periodic task per
survey that runs `reports.open_round`. The survey page and the admin both
edit that task, so whichever changed it last wins and nothing is copied."""

import json
from datetime import datetime

from django_celery_beat.models import IntervalSchedule, PeriodicTask

OPEN_ROUND_TASK = "reports.open_round"
DAYS_PER_WEEK = 7


def schedule_name(survey) -> str:
    return f"Happiness survey #{survey.pk} ({survey.product.slug}): {survey.title}"[:200]


def schedule_set(survey, *, every_weeks: int | None, first_opening: datetime | None, enabled: bool) -> PeriodicTask:
    """Create or update the survey's periodic task (the caller holds the survey's lock).

    `every_weeks=None` keeps the schedule as it is, e.g. a crontab set in the admin.
    """
    task = survey.schedule or PeriodicTask(task=OPEN_ROUND_TASK)
    if every_weeks is not None:
        days = every_weeks * DAYS_PER_WEEK
        task.interval = IntervalSchedule.objects.filter(every=days, period=IntervalSchedule.DAYS).first()
        task.interval = task.interval or IntervalSchedule.objects.create(every=days, period=IntervalSchedule.DAYS)
        task.crontab = task.solar = task.clocked = None
    task.name = schedule_name(survey)
    task.task = OPEN_ROUND_TASK
    task.kwargs = json.dumps({"survey_id": survey.pk})
    task.enabled = enabled
    task.description = f"Opens a round of the happiness survey “{survey.title}” of {survey.product.name}."
    if first_opening is not None:
        task.start_time = first_opening
        task.last_run_at = None  # so beat counts from the new first opening
    task.save()
    return task


def every_weeks(survey) -> int | None:
    """The cadence in weeks when it is a whole number of weeks (None when
    there is no schedule or someone set a different kind in the admin)."""
    interval = survey.schedule.interval if survey.schedule else None
    if interval is None:
        return None
    days = {IntervalSchedule.DAYS: interval.every, IntervalSchedule.HOURS: interval.every / 24}.get(interval.period)
    if days is None or days % DAYS_PER_WEEK:
        return None
    return int(days // DAYS_PER_WEEK)


def describe(survey) -> str:
    task = survey.schedule
    if task is None:
        return "Not scheduled"
    weeks = every_weeks(survey)
    when = f"every {weeks} week{'s' if weeks != 1 else ''}" if weeks else f"custom schedule: {task.scheduler}"
    return when if task.enabled else f"{when} (paused)"
