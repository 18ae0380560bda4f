"""Thin Celery tasks: they take ids or keys, call delivery, and may run twice safely.

A lost `send_event` (broker down at the commit, worker killed) is made good
by `send_pending`, the outbox sweep; `send_digests` runs once a day and is
its own sweep (whatever still waits for a digest goes in the next one)."""

from celery import shared_task

from apps.core.queue import RETRY
from apps.notifications import delivery


@shared_task(name="notifications.send_event", time_limit=300, soft_time_limit=270, **RETRY)
def send_event(key: str) -> int:
    return delivery.event_send(key=key)


@shared_task(name="notifications.send_pending", time_limit=600, soft_time_limit=540, **RETRY)
def send_pending() -> int:
    return delivery.pending_send()


@shared_task(name="notifications.send_digests", time_limit=600, soft_time_limit=540, **RETRY)
def send_digests() -> int:
    return delivery.digests_send()
