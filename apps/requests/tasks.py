"""Thin Celery tasks: they take ids, call a function, and may run twice safely."""

from celery import shared_task

from apps.requests import notifications, services

RETRY = {"autoretry_for": (OSError,), "retry_backoff": 30, "max_retries": 5}


@shared_task(name="requests.send_event_notifications", **RETRY)
def send_event_notifications(event_id: int) -> int:
    return notifications.event_notifications_send(event_id=event_id)


@shared_task(name="requests.send_pending_notifications", **RETRY)
def send_pending_notifications() -> int:
    return notifications.pending_notifications_send()


@shared_task(name="requests.refresh_expected_deliveries")
def refresh_expected_deliveries() -> int:
    return services.expected_deliveries_refresh()
