"""Thin Celery tasks: they take ids, call a service and are safe to run twice.

`open_round` runs on each survey's own schedule (cadence.py); the sweeps that
remind and close rounds are in portal/schedule.py; the rest are queued by the
services after their transaction commits. A queued task may be lost (the
broker is down at the commit, the worker dies): each has a sweep that finds
its work left undone. `close_due_rounds` also builds the report of every
closed round that has none; `send_pending_emails` sends invitations,
reminders and report emails that never went out.

Every task is idempotent, so all of them are acknowledged late and requeued
when the worker running them is lost (settings: CELERY_TASK_ACKS_LATE,
CELERY_TASK_REJECT_ON_WORKER_LOST, and the broker's visibility timeout,
which exceeds the longest time limit).
"""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from apps.reports import notifications, services
from apps.reports.models import Survey, SurveyRound

log = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (ConnectionError, OSError, DatabaseError),
    "retry_backoff": True,
    "retry_backoff_max": 120,
    "max_retries": 5,
}


@shared_task(name="reports.open_round")
def open_round(survey_id: int) -> int | None:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        log.warning("survey %s no longer exists; its schedule has nothing to open", survey_id)
        return None
    try:
        round_ = services.round_open(survey=survey)
    except ValidationError as exc:
        log.warning("survey %s: no round opened: %s", survey_id, " ".join(exc.messages))
        return None
    return round_.pk if round_ else None


@shared_task(name="reports.send_invitations", **RETRY)
def send_invitations(round_id: int) -> int:
    return notifications.invitations_send(round_id=round_id)


@shared_task(name="reports.send_reminders", **RETRY)
def send_reminders(round_id: int) -> int:
    return notifications.invitations_send(round_id=round_id, reminder=True)


@shared_task(name="reports.remind_due_rounds")
def remind_due_rounds() -> int:
    return services.rounds_remind_due()


@shared_task(name="reports.close_due_rounds", time_limit=600, soft_time_limit=540)
def close_due_rounds() -> int:
    closed = services.rounds_close_due()
    services.reports_build_missing()
    return closed


@shared_task(name="reports.send_pending_emails", time_limit=600, soft_time_limit=540)
def send_pending_emails() -> int:
    return notifications.pending_emails_send()


@shared_task(name="reports.build_report", **RETRY)
def build_report(round_id: int) -> int | None:
    round_ = SurveyRound.objects.filter(pk=round_id).first()
    if round_ is None:
        return None
    return services.report_build(round_=round_).pk


@shared_task(name="reports.email_report", **RETRY)
def email_report(report_id: int, version: int) -> int:
    return notifications.report_email(report_id=report_id, version=version)
