import logging

from celery import shared_task

from apps.core.models import Heartbeat
from apps.core.services import idempotency_records_purge

log = logging.getLogger(__name__)


@shared_task(name="core.heartbeat", time_limit=30, soft_time_limit=20)
def heartbeat(name: str = "worker") -> None:
    beat = Heartbeat.record(name)
    log.info("heartbeat %s recorded (%d so far)", beat.name, beat.beats)


@shared_task(name="core.purge_idempotency_records")
def purge_idempotency_records() -> None:
    removed = idempotency_records_purge()
    log.info("removed %d expired idempotency records", removed)
