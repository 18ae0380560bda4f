"""Thin Celery tasks: they take ids, call a service and are safe to run twice
(a build updates the period's one report in place; an email row is sent once).

`build_scheduled` runs on each product's own schedule (cadence.py); the sweeps
that build missing reports and send missed emails are in portal/schedule.py;
the rest are queued by the services after their transaction commits. Every
task is idempotent, so all are acknowledged late (CELERY_TASK_ACKS_LATE).
"""

import datetime
import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from apps.delivery import notifications, services
from apps.delivery.models import DeliveryReport, Period
from apps.products.models import Product
from apps.sprints.models import Sprint

log = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (ConnectionError, OSError, DatabaseError),
    "retry_backoff": True,
    "retry_backoff_max": 120,
    "max_retries": 5,
}
BUILD_LIMITS = {"time_limit": 300, "soft_time_limit": 270}


@shared_task(name="delivery.build_scheduled", **RETRY, **BUILD_LIMITS)
def build_scheduled(product_id: int) -> int | None:
    """The product's cadence: last month's report (nothing for a product with nothing to report)."""
    product = Product.objects.filter(pk=product_id).first()
    if product is None or not services.has_activity(product):
        return None
    start, _ = services.previous_month()
    return services.month_report_build(product=product, start=start).pk


@shared_task(name="delivery.build_month", **RETRY, **BUILD_LIMITS)
def build_month(product_id: int, month: str) -> int | None:
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        return None
    return services.month_report_build(product=product, start=datetime.date.fromisoformat(month)).pk


@shared_task(name="delivery.build_sprint_report", **RETRY, **BUILD_LIMITS)
def build_sprint_report(sprint_id: int) -> int | None:
    sprint = Sprint.objects.filter(pk=sprint_id).select_related("product").first()
    if sprint is None:
        return None
    try:
        return services.sprint_report_build(sprint=sprint).pk
    except ValidationError as exc:
        log.warning("sprint %s: no delivery report: %s", sprint_id, " ".join(exc.messages))
        return None


@shared_task(name="delivery.rebuild_report", **RETRY, **BUILD_LIMITS)
def rebuild_report(report_id: int) -> int | None:
    report = DeliveryReport.objects.filter(pk=report_id).select_related("product", "sprint").first()
    if report is None:
        return None
    if report.period == Period.SPRINT and report.sprint is not None:
        return services.sprint_report_build(sprint=report.sprint).pk
    return services.report_build(
        product=report.product, period=report.period, start=report.start, end=report.end, sprint=report.sprint
    ).pk


@shared_task(name="delivery.build_missing_reports", time_limit=600, soft_time_limit=540)
def build_missing_reports() -> int:
    return services.reports_build_missing()


@shared_task(name="delivery.send_report_emails", **RETRY, time_limit=300, soft_time_limit=270)
def send_report_emails(report_id: int) -> int:
    return notifications.report_emails_send(report_id=report_id)


@shared_task(name="delivery.send_pending_emails", time_limit=600, soft_time_limit=540)
def send_pending_emails() -> int:
    return notifications.pending_emails_send()
