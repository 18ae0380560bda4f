"""Services queue Celery tasks through here, by the task's registered name.

An app's `tasks.py` imports its services (a task is a thin call of one), so a
service cannot import the tasks back without an import cycle. It names the
task instead ("reports.build_report"); the app's `AppConfig.ready` imports its
tasks module so that every process that runs services has them registered.
"""

from celery import current_app
from django.db import transaction


def enqueue_after_commit(task_name: str, *args) -> None:
    """Queue the task once the current transaction commits (never for a
    rolled-back change). The name is looked up now, inside the transaction,
    so a name no task is registered under fails the service, not the commit."""
    task = current_app.tasks[task_name]
    transaction.on_commit(lambda: task.delay(*args))
