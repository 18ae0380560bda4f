"""A product's delivery-report cadence, kept in django-celery-beat: one
periodic task per product that runs `delivery.build_scheduled` (by default on
the first of each month, for the month before). The delivery settings page and
the admin both edit that task, so whichever changed it last wins."""

import json

from django_celery_beat.models import CrontabSchedule, PeriodicTask

BUILD_TASK = "delivery.build_scheduled"
# Minute, hour, day of month, month, day of week: 06:00 on the first of the month.
MONTHLY = ("0", "6", "1", "*", "*")


def schedule_name(product) -> str:
    return f"Delivery report ({product.slug}): monthly"[:200]


def schedule_set(settings, *, monthly: bool) -> PeriodicTask:
    """Create or update the product's periodic task (the caller holds the settings' lock).
    A crontab changed in the admin is kept; `monthly` only turns the task on or off."""
    product = settings.product
    task = settings.schedule or PeriodicTask(task=BUILD_TASK)
    if task.crontab is None and task.interval is None:
        minute, hour, day, month, weekday = MONTHLY
        task.crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week=weekday
        )
    task.name = schedule_name(product)
    task.task = BUILD_TASK
    task.kwargs = json.dumps({"product_id": product.pk})
    task.enabled = monthly
    task.description = f"Builds the delivery report of {product.name} for the month before."
    task.save()
    return task


def describe(settings) -> str:
    task = settings.schedule if settings is not None and settings.pk else None
    if task is None:
        return "monthly (on the first of each month)"
    when = "monthly (on the first of each month)" if _is_default(task) else f"custom schedule: {task.scheduler}"
    return when if task.enabled else "no monthly report (paused)"


def _is_default(task: PeriodicTask) -> bool:
    crontab = task.crontab
    return (
        crontab is not None
        and (
            crontab.minute,
            crontab.hour,
            crontab.day_of_month,
            crontab.month_of_year,
            crontab.day_of_week,
        )
        == MONTHLY
    )
