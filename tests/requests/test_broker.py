"""The real path: a triage decision's email task goes through the broker to a
separate worker process, which sends it and marks the outbox row sent."""

import pytest

from apps.notifications.models import Notification
from apps.requests import services
from tests.utils import wait_for

pytestmark = pytest.mark.broker


def test_a_decision_email_is_sent_by_a_real_worker(real_celery_worker, pm, new_request):
    services.request_decline(actor=pm, stakeholder_request=new_request, reason="Not this year.")
    notification = Notification.objects.get(event__request=new_request)
    sent = wait_for(lambda: Notification.objects.filter(pk=notification.pk, sent_at__isnull=False).exists())
    assert sent, "the worker did not send the email within 30 s"
