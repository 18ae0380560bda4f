"""Rounds on a schedule: open, invite, remind, close, build the report and
email it, each exactly once however often the tasks run."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from apps.accounts.models import Role
from apps.core.exceptions import Conflict
from apps.reports import cadence, notifications, services, tasks
from apps.reports.models import HappinessReport, Invitation, ReportSubscription, SurveyRound
from portal.celery import app
from tests.reports.conftest import add_people, answer, answer_round, make_survey


def run_scheduled(survey):
    """What beat does when the survey's periodic task is due."""
    task = PeriodicTask.objects.get(pk=survey.schedule_id)
    return app.tasks[task.task].apply(kwargs=json.loads(task.kwargs)).get()


def test_a_survey_keeps_its_cadence_in_a_periodic_task(survey):
    task = survey.schedule
    assert task.task == "reports.open_round" and task.task in app.tasks
    assert json.loads(task.kwargs) == {"survey_id": survey.pk}
    assert (task.interval.every, task.interval.period) == (56, IntervalSchedule.DAYS)
    assert task.start_time is not None and task.enabled
    assert cadence.describe(survey) == "every 8 weeks"


def test_changing_the_cadence_updates_the_same_periodic_task(survey, pm):
    updated = services.survey_update(actor=pm, survey=survey, expected_version=1, every_weeks=6, enabled=False)
    task = PeriodicTask.objects.get(pk=survey.schedule_id)
    assert task.interval.every == 42 and task.enabled is False
    assert cadence.describe(updated) == "every 6 weeks (paused)"
    assert PeriodicTask.objects.filter(task="reports.open_round").count() == 1


def test_a_schedule_edited_in_the_admin_is_kept_by_other_edits(survey, pm):
    task = survey.schedule
    task.interval = IntervalSchedule.objects.create(every=3, period=IntervalSchedule.DAYS)
    task.save()
    updated = services.survey_update(actor=pm, survey=survey, expected_version=1, title="Pulse")
    assert updated.schedule.interval.every == 3
    assert cadence.describe(updated) == "custom schedule: every 3 days"


def test_a_stale_survey_edit_is_refused_and_changes_nothing(survey, pm):
    services.survey_update(actor=pm, survey=survey, expected_version=1, title="First")
    with pytest.raises(Conflict):
        services.survey_update(actor=pm, survey=survey, expected_version=1, title="Second")
    survey.refresh_from_db()
    assert survey.title == "First"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"open_days": 60}, "open_days"),  # longer than the 8-week cadence allows
        ({"reminder_days_before_close": 14}, "reminder_days_before_close"),
        ({"min_responses": 1}, "min_responses"),
        ({"every_weeks": 0}, "every_weeks"),
        ({"audience": "martians"}, "audience"),
    ],
)
def test_bad_survey_settings_are_refused_with_the_field_named(survey, pm, changes, field):
    with pytest.raises(ValidationError) as error:
        services.survey_update(actor=pm, survey=survey, expected_version=1, **changes)
    assert field in error.value.message_dict
    survey.refresh_from_db()
    assert survey.version == 1


def test_the_scheduled_task_opens_one_round_however_often_it_runs(survey, crowd, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = run_scheduled(survey)
        second = run_scheduled(survey)
    assert first is not None and second is None
    round_ = SurveyRound.objects.get(survey=survey)
    assert round_.number == 1 and round_.is_open
    assert round_.closes_at - round_.opened_at == timedelta(days=14)
    # Audience "everyone": the four personas minus the outsider, plus seven more.
    assert round_.invited_count == Invitation.objects.filter(round=round_).count() == 11
    assert len(mail.outbox) == 11


def test_invitations_carry_a_personal_link_and_are_sent_once(open_round, django_capture_on_commit_callbacks):
    assert len(mail.outbox) == 11
    assert notifications.invitations_send(round_id=open_round.pk) == 0
    assert len(mail.outbox) == 11
    links = {message.body.split("(please do not forward it):\n")[1].split()[0] for message in mail.outbox}
    assert len(links) == 11
    assert all(f"/p/{open_round.survey.product.slug}/reports/answer/" in link for link in links)


def test_the_audience_decides_who_is_invited(product, pm, member, stakeholder, django_capture_on_commit_callbacks):
    team_only = make_survey(product, pm, audience="team")
    round_ = services.round_open(survey=team_only)
    assert set(round_.invitations.values_list("person__username", "group")) == {("pm", "team"), ("member", "team")}


def test_a_survey_with_nobody_to_ask_opens_no_round(product, pm):
    survey = make_survey(product, pm, audience="stakeholders")
    with pytest.raises(ValidationError, match="Nobody to invite"):
        services.round_open(survey=survey)
    assert run_scheduled(survey) is None
    assert not SurveyRound.objects.exists()


def test_one_reminder_goes_to_those_who_have_not_answered(open_round, django_capture_on_commit_callbacks):
    answered = open_round.invitations.order_by("pk").first()
    answer(answered)
    mail.outbox.clear()
    almost_closed = open_round.closes_at - timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rounds_remind_due(now=open_round.opened_at + timedelta(days=1)) == 0  # too early
        assert services.rounds_remind_due(now=almost_closed) == 1
        assert services.rounds_remind_due(now=almost_closed) == 0
    assert notifications.invitations_send(round_id=open_round.pk, reminder=True) == 0
    assert len(mail.outbox) == 10
    assert answered.person.email not in {m.to[0] for m in mail.outbox}
    assert all(m.subject.startswith("Reminder:") for m in mail.outbox)


def test_closing_twice_closes_once_and_builds_one_report(closed_round, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_close(round_=closed_round) is False
        tasks.close_due_rounds.apply().get()
    assert HappinessReport.objects.filter(round=closed_round).count() == 1
    assert HappinessReport.objects.get(round=closed_round).version == 1


def test_the_close_sweep_closes_only_rounds_that_are_due(open_round, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rounds_close_due(now=open_round.closes_at - timedelta(minutes=1)) == 0
        assert services.rounds_close_due(now=open_round.closes_at) == 1
        assert services.rounds_close_due(now=open_round.closes_at) == 0
    open_round.refresh_from_db()
    assert not open_round.is_open and hasattr(open_round, "report")


def test_after_a_close_the_schedule_opens_the_next_round(closed_round, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        next_id = run_scheduled(closed_round.survey)
    assert SurveyRound.objects.get(pk=next_id).number == 2


def test_rebuilding_an_unchanged_report_keeps_its_version_and_sends_no_mail(
    closed_round, pm, django_capture_on_commit_callbacks
):
    ReportSubscription.objects.create(product=closed_round.survey.product, person=pm)
    report = HappinessReport.objects.get(round=closed_round)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.email_report.apply(args=[report.pk, report.version]).get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.build_report.apply(args=[closed_round.pk]).get()
        tasks.build_report.apply(args=[closed_round.pk]).get()
        tasks.email_report.apply(args=[report.pk, report.version]).get()
    assert HappinessReport.objects.get(round=closed_round).version == 1
    assert mail.outbox == []


def test_each_report_version_is_emailed_once_to_subscribers_still_in_the_team(
    open_round, pm, member, stakeholder, outsider, django_capture_on_commit_callbacks
):
    product = open_round.survey.product
    for person in (pm, member, stakeholder, outsider):
        ReportSubscription.objects.create(product=product, person=person)
    answer_round(open_round, [(5, 10), (4, 9), (4, 8), (3, 7), (2, 6), (5, 10)])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(round_=open_round)
    report = HappinessReport.objects.get(round=open_round)
    assert notifications.report_email(report_id=report.pk, version=1) == 0  # already sent on close
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pm.email, member.email])
    message = mail.outbox[0]
    assert "Happiness: 3.83 of 5" in message.body
    html = message.alternatives[0][0]
    assert "3.83" in html and "What we will do about it" in html


def test_a_report_is_never_built_while_the_round_is_open(open_round):
    answer_round(open_round, [(5, 10)] * 6)
    with pytest.raises(ValidationError, match="once the round has closed"):
        services.report_build(round_=open_round)
    assert not HappinessReport.objects.exists()


def test_the_next_report_shows_the_change_and_whether_promised_items_were_delivered(
    closed_round, pm, django_capture_on_commit_callbacks
):
    from apps.backlog import services as backlog
    from apps.backlog.models import BacklogItem

    report = HappinessReport.objects.get(round=closed_round)
    done = services.report_item_create(
        actor=pm, report=report, title="Write the docs", kind="story", expected_version=1
    )
    services.report_item_create(actor=pm, report=report, title="Fix the outage", kind="bug", expected_version=2)
    BacklogItem.objects.filter(pk=done.pk).update(status=BacklogItem.Status.IN_PROGRESS)
    backlog.item_set_status(actor=pm, item=BacklogItem.objects.get(pk=done.pk), status=BacklogItem.Status.DONE)

    with django_capture_on_commit_callbacks(execute=True):
        second = services.round_open(survey=closed_round.survey)
    answer_round(second, [(5, 10)] * 5 + [(4, 9)])
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(round_=second)
    figures = HappinessReport.objects.get(round=second).figures
    assert figures["previous_round"] == 1
    assert [(i["title"], i["delivered"]) for i in figures["follow_up"]] == [
        ("Write the docs", True),
        ("Fix the outage", False),
    ]
    happiness = next(c for c in figures["changes"] if c["label"].startswith("Happiness"))
    # Round 1: (5 + 4 + 4 + 3 + 2 + 5) / 6 = 3.83; round 2: (5 * 5 + 4) / 6 = 4.83.
    assert (happiness["previous"], happiness["current"], happiness["direction"]) == (3.83, 4.83, "up")


def test_linking_items_checks_they_belong_to_the_product_and_the_version(closed_round, pm, other_product):
    from apps.backlog import services as backlog

    report = HappinessReport.objects.get(round=closed_round)
    mine = backlog.item_create(actor=pm, product=closed_round.survey.product, title="Docs")
    foreign = backlog.item_create(actor=pm, product=other_product, title="Not ours")
    with pytest.raises(ValidationError, match="No backlog item"):
        services.report_actions_set(
            actor=pm, report=report, note="x", item_numbers=[mine.number, foreign.number + 100], expected_version=1
        )
    services.report_actions_set(actor=pm, report=report, note="We fix docs", item_numbers=[1], expected_version=1)
    with pytest.raises(Conflict):
        services.report_actions_set(actor=pm, report=report, note="stale", item_numbers=[], expected_version=1)
    report.refresh_from_db()
    assert report.action_note == "We fix docs" and list(report.action_items.all()) == [mine]


def test_people_who_joined_after_the_round_opened_are_not_invited_to_it(open_round, product):
    latecomer = add_people(product, 1, Role.TEAM_MEMBER)[0]
    assert not Invitation.objects.filter(round=open_round, person=latecomer).exists()


def test_the_answered_mark_is_a_bare_flag(open_round):
    invitation = open_round.invitations.first()
    answer(invitation)
    invitation.refresh_from_db()
    assert invitation.answered is True
    # No answered-at time that could be matched against anything.
    assert not any(f.get_internal_type() == "DateTimeField" for f in Invitation._meta.get_fields() if f.concrete)
