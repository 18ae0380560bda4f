"""Services queue Celery tasks through here, by the task's registered name.

An app's `tasks.py` imports its services (a task is a thin call of one), so a
service cannot import the tasks back without an import cycle. It names the
task instead ("reports.build_report"); the app's `AppConfig.ready` imports its
tasks module so that every process that runs services has them registered.

Queuing never fails the request: the change is committed by the time the task
is sent, so a broker that is down (or any error while sending) is logged and
the request answers as usual. Every task queued here has a periodic sweep
(portal/schedule.py) that finds the work left undone and does it later.
"""

import logging

from celery import current_app
from django.db import DatabaseError, transaction

log = logging.getLogger(__name__)

# How a task that sends mail or reads the outbox retries when the mail server,
# the network or the database is briefly away: `@shared_task(..., **RETRY)`.
# Safe because such tasks may run twice (the outbox row says what is sent).
RETRY = {
    "autoretry_for": (OSError, DatabaseError),
    "retry_backoff": 30,
    "retry_backoff_max": 120,
    "max_retries": 5,
}


def enqueue_after_commit(task_name: str, *args, **kwargs) -> None:
    """Queue the task once the current transaction commits (never for a
    rolled-back change). The name is looked up now, inside the transaction,
    so a name no task is registered under fails the service, not the commit."""
    current_app.tasks[task_name]  # noqa: B018 -- fail now for an unknown name
    transaction.on_commit(lambda: send(task_name, *args, **kwargs))


def send(task_name: str, *args, **kwargs) -> None:
    """Send the task now, from an on-commit callback: a broker error is logged, not raised."""
    task = current_app.tasks[task_name]
    if current_app.conf.task_always_eager:
        # Tests run the task in place: no broker to lose, and its errors must show.
        task.delay(*args, **kwargs)
        return
    try:
        task.delay(*args, **kwargs)
    except Exception:  # the broker is down, unreachable or refuses: the sweep catches up
        log.warning("could not queue %s%r; its sweep will do the work later", task_name, args, exc_info=True)
