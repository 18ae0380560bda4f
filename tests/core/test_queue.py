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
