import logging

from celery import shared_task

from apps.core.models import Heartbeat

log = logging.getLogger(__name__)


@shared_task(name="core.heartbeat")
def heartbeat(name: str = "worker") -> None:
    beat = Heartbeat.record(name)
    log.info("heartbeat %s recorded (%d so far)", beat.name, beat.beats)
