"""The real path: the survey's schedule entry goes through the broker to a
separate worker, which opens the round and invites; after the answers the
close sweep, again through a worker, closes it and builds the report."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.accounts.models import Role
from apps.reports.models import HappinessReport, Invitation, SurveyRound
from portal.celery import app
from tests.reports.conftest import add_people, answer_round, make_survey
from tests.utils import wait_for

pytestmark = pytest.mark.broker


def test_schedule_to_worker_to_report(real_celery_worker, product, pm):
    add_people(product, 5, Role.TEAM_MEMBER)
    survey = make_survey(product, pm, audience="team")
    entry = PeriodicTask.objects.get(pk=survey.schedule_id)

    # What beat sends when the survey's entry is due.
    app.send_task(entry.task, kwargs=json.loads(entry.kwargs))
    round_ = wait_for(lambda: SurveyRound.objects.filter(survey=survey).first())
    assert round_ is not None, "the worker did not open a round within 30 s"
    assert wait_for(lambda: Invitation.objects.filter(round=round_, sent=True).count() == 6)

    answer_round(round_, [(5, 10), (4, 9), (4, 8), (3, 7), (2, 3)])
    SurveyRound.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    app.send_task("reports.close_due_rounds")
    report = wait_for(lambda: HappinessReport.objects.filter(round=round_).first())
    assert report is not None, "the worker did not build the report within 30 s"
    assert report.figures["overall"]["happiness"]["mean"] == 3.6
    assert report.figures["overall"]["nps"]["score"] == 20.0
    assert wait_for(lambda: HappinessReport.objects.get(pk=report.pk).emailed_version == 1)
