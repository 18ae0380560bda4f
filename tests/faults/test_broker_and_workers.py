"""Fault tests against a real broker and real workers (issue 16):

- the broker is down while a PM decides in triage: the API answers 200, the
  decision is saved, and its email goes out once the broker is back (the
  outbox sweep finds it);
- the whole worker is killed in the middle of a report build: afterwards the
  round has exactly one report (the close sweep builds what was lost, the
  redelivered task finds it built);
- each periodic task run twice at once leaves one result.
"""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.models import Role
from apps.notifications.models import Notification
from apps.reports import services as reports
from apps.reports.models import HappinessReport, Invitation, SurveyRound
from apps.requests.models import StakeholderRequest
from tests.factories import MembershipFactory, StakeholderRequestFactory, UserFactory
from tests.faults.conftest import portal_queues_to
from tests.reports.conftest import add_people, answer_round, make_survey
from tests.utils import wait_for

pytestmark = pytest.mark.faults


def test_broker_down_during_a_triage_decision_answers_200_and_the_email_arrives_after_recovery(
    redis, start_worker, api, pm, stakeholder, product
):
    stakeholder_request = StakeholderRequestFactory(product=product, requester=stakeholder)
    with portal_queues_to(redis.url) as app:  # nothing listens on the port: the broker is down
        started = time.monotonic()
        response = api.as_user(pm).post(
            f"/api/v1/products/{product.slug}/requests/{stakeholder_request.number}/decline/",
            {"reason": "Out of scope this year.", "version": stakeholder_request.version},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert time.monotonic() - started < 10, "a dead broker must not hold the request"
        stakeholder_request.refresh_from_db()
        assert stakeholder_request.status == StakeholderRequest.Status.DECLINED
        email = Notification.objects.get(event__request=stakeholder_request)
        assert email.sent_at is None and mail.outbox == []

        redis.start()  # recovery
        worker = start_worker()
        # The outbox sweep leaves rows of the last two minutes to their own task: let two minutes pass.
        Notification.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=3))
        app.send_task("notifications.send_pending")
        assert wait_for(lambda: Notification.objects.get(pk=email.pk).sent_at is not None), worker.output()
    assert "was declined" in worker.output()


def test_a_worker_killed_during_a_report_build_leaves_exactly_one_report_afterwards(
    redis, start_worker, product, pm, monkeypatch
):
    add_people(product, 6, Role.TEAM_MEMBER)
    survey = make_survey(product, pm, audience="team")
    round_ = reports.round_open(survey=survey)
    answer_round(round_, [(4, 9), (5, 10), (3, 7), (4, 8), (2, 6), (5, 9)])
    redis.start()
    with portal_queues_to(redis.url):
        doomed = start_worker(slow_build=30)
        reports.round_close(round_=round_)  # queues reports.build_report on the real broker
        assert wait_for(lambda: "report build started" in doomed.output(), timeout=60), doomed.output()
        doomed.kill()
        assert not HappinessReport.objects.filter(round=round_).exists()  # the build's transaction died with it

        # A new worker; beat's close sweep (every 10 minutes) finds the closed round without a report.
        survivor = start_worker()
        from portal.celery import app

        app.send_task("reports.close_due_rounds")
        assert wait_for(lambda: HappinessReport.objects.filter(round=round_).exists(), timeout=60), survivor.output()
        app.send_task("reports.close_due_rounds")
        app.send_task("reports.build_report", args=[round_.pk])  # what Redis hands back after the visibility timeout
        time.sleep(5)
    report = HappinessReport.objects.get(round=round_)
    assert (report.version, report.figures["responses"]) == (1, 6)
    assert report.figures["overall"]["happiness"]["mean"] == 3.83


@pytest.fixture
def twice_at_once(redis, start_worker):
    """Send a task twice, at once, to a worker running two processes; wait until both ran."""
    redis.start()
    worker = start_worker(concurrency=2)

    def run(task_name: str, *args) -> None:
        from portal.celery import app

        before = worker.output().count(f"Task {task_name}[")
        for _ in range(2):
            app.send_task(task_name, args=list(args))
        finished = lambda: worker.output().count(f"Task {task_name}[") - before >= 4  # noqa: E731 -- received + done
        assert wait_for(finished, timeout=60), worker.output()
        assert "Traceback" not in worker.output() and "raised unexpected" not in worker.output(), worker.output()

    with portal_queues_to(redis.url):
        yield run


def test_closing_due_rounds_twice_at_once_closes_each_once_with_one_report_emailed_once(twice_at_once, product, pm):
    add_people(product, 5, Role.TEAM_MEMBER)
    survey = make_survey(product, pm, audience="team")
    reports.subscription_set(actor=pm, product=product, subscribed=True)
    round_ = reports.round_open(survey=survey)
    answer_round(round_, [(4, 9)] * 5)
    SurveyRound.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(minutes=1))

    twice_at_once("reports.close_due_rounds")

    round_.refresh_from_db()
    assert round_.status == SurveyRound.Status.CLOSED
    assert wait_for(lambda: HappinessReport.objects.filter(round=round_, emailed_version=1).exists())
    report = HappinessReport.objects.get(round=round_)
    assert report.version == 1 and round_.answers.count() == 5


def test_reminding_twice_at_once_reminds_each_person_once(twice_at_once, product, pm):
    add_people(product, 4, Role.TEAM_MEMBER)
    survey = make_survey(product, pm, audience="team")
    round_ = reports.round_open(survey=survey)
    SurveyRound.objects.filter(pk=round_.pk).update(closes_at=timezone.now() + timedelta(hours=1))

    twice_at_once("reports.remind_due_rounds")

    assert wait_for(lambda: not Invitation.objects.filter(round=round_, reminded=False).exists())
    round_.refresh_from_db()
    assert round_.reminder_sent_at is not None


def test_sending_pending_survey_emails_twice_at_once_mails_each_invitation_once(
    twice_at_once, product, pm, monkeypatch
):
    add_people(product, 6, Role.TEAM_MEMBER)
    survey = make_survey(product, pm, audience="team")
    monkeypatch.setattr(reports, "enqueue_after_commit", lambda *args: None)  # the invitations task is lost
    round_ = reports.round_open(survey=survey)

    twice_at_once("reports.send_pending_emails")

    invitations = Invitation.objects.filter(round=round_)
    assert invitations.filter(sent=True).count() == invitations.count() == 7
    assert all(invitation.links.count() == 1 for invitation in invitations), "one email, one link per person"


def test_sending_pending_request_emails_twice_at_once_sends_each_once(
    twice_at_once, product, pm, stakeholder, monkeypatch
):
    from apps.notifications import services as notifications
    from apps.requests import services as requests

    monkeypatch.setattr(notifications, "enqueue_after_commit", lambda *args: None)  # the email task is lost
    watcher = UserFactory(email="watcher@example.com")
    MembershipFactory(product=product, user=watcher, role=Role.STAKEHOLDER)
    stakeholder_request = StakeholderRequestFactory(product=product, requester=stakeholder)
    requests.vote_add(actor=watcher, stakeholder_request=stakeholder_request)
    requests.request_decline(actor=pm, stakeholder_request=stakeholder_request, reason="No", expected_version=1)
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=3))

    twice_at_once("notifications.send_pending")

    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
    assert Notification.objects.count() == 2


def test_the_heartbeat_twice_at_once_keeps_one_record(twice_at_once):
    from apps.core.models import Heartbeat

    twice_at_once("core.heartbeat")
    assert Heartbeat.objects.filter(name="worker").count() == 1


def test_purging_idempotency_records_twice_at_once_keeps_the_fresh_ones(twice_at_once):
    from apps.core.models import IdempotencyRecord

    now = timezone.now()
    for key, age in (("old", timedelta(days=3)), ("fresh", timedelta(seconds=1))):
        IdempotencyRecord.objects.create(principal="user:1", key=key, fingerprint="POST /x", created_at=now - age)

    twice_at_once("core.purge_idempotency_records")

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


# Periodic tasks whose doubled run is checked above for its one result; the
# others are at least run twice at once without failing (below).
CHECKED_FOR_ONE_RESULT = {
    "core.heartbeat",
    "core.purge_idempotency_records",
    "reports.close_due_rounds",
    "reports.remind_due_rounds",
    "reports.send_pending_emails",
    "notifications.send_pending",
}


def _other_periodic_tasks() -> list[str]:
    from portal.schedule import SCHEDULE

    return [entry.task for entry in SCHEDULE if entry.task not in CHECKED_FOR_ONE_RESULT]


@pytest.mark.parametrize("task_name", _other_periodic_tasks())
def test_every_other_periodic_task_runs_twice_at_once_without_failing(twice_at_once, task_name):
    twice_at_once(task_name)
