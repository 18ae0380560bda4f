"""Thin Celery tasks: they take ids, call a function, and may run twice safely.

Request updates are told through apps.notifications (its tasks deliver and
sweep the outbox). The two outbox tasks below keep their old names for one
release, so that messages queued under them before the upgrade are still
delivered; nothing queues them any more. `refresh_expected_deliveries` is a
sweep itself."""

from celery import shared_task

from apps.core.queue import RETRY
from apps.notifications import delivery
from apps.requests import services


@shared_task(name="requests.send_event_notifications", **RETRY)
def send_event_notifications(event_id: int) -> int:
    """Old name of notifications.send_event for one request event."""
    return delivery.event_send(key=f"requests.event:{event_id}")


@shared_task(name="requests.send_pending_notifications", time_limit=600, soft_time_limit=540, **RETRY)
def send_pending_notifications() -> int:
    """Old name of notifications.send_pending (the one outbox sweep)."""
    return delivery.pending_send()


@shared_task(name="requests.refresh_expected_deliveries", time_limit=600, soft_time_limit=540)
def refresh_expected_deliveries() -> int:
    return services.expected_deliveries_refresh()
