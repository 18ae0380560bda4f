"""Work whose queued task was lost (broker down at the commit, worker killed)
is found and done by the periodic sweeps, once."""

from django.core import mail

from apps.reports import notifications, services, tasks
from apps.reports.models import HappinessReport, Invitation
from tests.reports.conftest import answer_round


def test_a_closed_round_without_a_report_gets_one_from_the_close_sweep(open_round):
    answer_round(open_round, [(4, 9)] * 6)
    services.round_close(round_=open_round)  # its on-commit build never runs: lost
    assert not HappinessReport.objects.exists()

    tasks.close_due_rounds()
    tasks.close_due_rounds()

    report = HappinessReport.objects.get(round=open_round)
    assert (report.version, report.figures["responses"]) == (1, 6)


def test_invitations_whose_task_was_lost_are_sent_by_the_email_sweep_once(survey, crowd):
    round_ = services.round_open(survey=survey)  # on-commit send_invitations never runs
    assert not Invitation.objects.filter(round=round_, sent=True).exists()

    assert notifications.pending_emails_send() == 11
    assert notifications.pending_emails_send() == 0
    assert len(mail.outbox) == 11 and not Invitation.objects.filter(round=round_, sent=False).exists()


def test_reminders_whose_task_was_lost_are_sent_by_the_email_sweep_once(open_round):
    answer_round(open_round, [(4, 9)] * 3)
    services.round_remind(round_=open_round)  # on-commit send_reminders never runs
    mail.outbox.clear()

    assert tasks.send_pending_emails() == 8
    assert tasks.send_pending_emails() == 0
    assert all(message.subject.startswith("Reminder") for message in mail.outbox)


def test_a_report_never_emailed_is_emailed_by_the_sweep_once(open_round, pm, product):
    services.subscription_set(actor=pm, product=product, subscribed=True)
    answer_round(open_round, [(4, 9)] * 6)
    services.round_close(round_=open_round)
    report = services.report_build(round_=open_round)  # its on-commit email never runs
    mail.outbox.clear()

    assert notifications.pending_emails_send() == 1
    assert notifications.pending_emails_send() == 0
    report.refresh_from_db()
    assert report.emailed_version == report.version == 1
    assert [m.subject for m in mail.outbox] == ["Happiness report: Recommender, round 1"]
