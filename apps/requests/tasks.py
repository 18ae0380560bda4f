"""Thin Celery tasks: they take ids, call a function, and may run twice safely.

A lost `send_event_notifications` (broker down at the commit, worker killed)
is made good by `send_pending_notifications`, the outbox sweep;
`refresh_expected_deliveries` is a sweep itself."""

from celery import shared_task
from django.db import DatabaseError

from apps.requests import notifications, services

RETRY = {
    "autoretry_for": (OSError, DatabaseError),
    "retry_backoff": 30,
    "retry_backoff_max": 120,
    "max_retries": 5,
}


@shared_task(name="requests.send_event_notifications", **RETRY)
def send_event_notifications(event_id: int) -> int:
    return notifications.event_notifications_send(event_id=event_id)


@shared_task(name="requests.send_pending_notifications", time_limit=600, soft_time_limit=540, **RETRY)
def send_pending_notifications() -> int:
    return notifications.pending_notifications_send()


@shared_task(name="requests.refresh_expected_deliveries", time_limit=600, soft_time_limit=540)
def refresh_expected_deliveries() -> int:
    return services.expected_deliveries_refresh()
