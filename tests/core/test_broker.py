"""The real path: a task goes through the broker to a separate worker process
and its effect lands in the database."""

import pytest

from apps.core.models import Heartbeat
from apps.core.tasks import heartbeat
from tests.utils import wait_for

pytestmark = pytest.mark.broker


def test_a_task_sent_through_the_broker_runs_in_a_real_worker(real_celery_worker):
    heartbeat.delay(name="through-the-broker")
    recorded = wait_for(lambda: Heartbeat.objects.filter(name="through-the-broker").first())
    assert recorded is not None, "the worker did not record the heartbeat within 30 s"
    assert recorded.beats == 1
