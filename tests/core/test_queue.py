import pytest
from celery import shared_task
from django.db import transaction

from apps.core.queue import enqueue_after_commit

ran: list[int] = []


@shared_task(name="tests.core.record")
def record(value: int) -> None:
    ran.append(value)


@pytest.fixture(autouse=True)
def _clean():
    ran.clear()


def test_a_task_is_queued_by_name_once_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_after_commit("tests.core.record", 7)
        assert ran == []
    assert len(callbacks) == 1 and ran == [7]


def test_nothing_is_queued_for_a_rolled_back_change(transactional_db):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_after_commit("tests.core.record", 1)
        raise RuntimeError("rolled back")
    assert ran == []


def test_an_unknown_task_name_fails_the_service_itself(db):
    with pytest.raises(KeyError):
        enqueue_after_commit("tests.core.no_such_task", 1)


def test_a_broker_that_is_down_fails_neither_the_commit_nor_the_request(
    db, django_capture_on_commit_callbacks, monkeypatch, caplog, tasks_sent_to_a_broker
):
    """The change is committed before the task is sent: an error while sending
    is logged (the task's sweep does the work later), never raised."""
    from kombu.exceptions import OperationalError

    def broker_down(*args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks_sent_to_a_broker.tasks["tests.core.record"], "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_after_commit("tests.core.record", 3)
    assert ran == []
    assert "could not queue tests.core.record" in caplog.text
