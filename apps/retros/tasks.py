"""Thin Celery tasks: they take ids, call a function, and may run twice safely.

A lost `send_summary_emails` (broker down at the commit, worker killed) is
made good by `send_pending_summary_emails`, the outbox sweep."""

from celery import shared_task

from apps.core.queue import RETRY
from apps.retros import notifications


@shared_task(name="retros.send_summary_emails", time_limit=300, soft_time_limit=270, **RETRY)
def send_summary_emails(retro_id: int) -> int:
    return notifications.retro_emails_send(retro_id=retro_id)


@shared_task(name="retros.send_pending_summary_emails", time_limit=600, soft_time_limit=540, **RETRY)
def send_pending_summary_emails() -> int:
    return notifications.pending_emails_send()
