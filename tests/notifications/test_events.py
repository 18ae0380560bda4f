"""Events of other apps told through the one notification system: a survey
round opened (to its invitees), a retrospective started (to the team)."""

import datetime

from django.core import mail
from pytest_django.asserts import assertContains

from apps.notifications.kinds import Kind
from apps.notifications.models import Notification


def test_a_round_tells_its_invitees_in_the_portal_and_leads_to_the_signed_in_answer(
    browser_client, product, pm, member, stakeholder, django_capture_on_commit_callbacks
):
    from apps.reports import services as reports
    from tests.reports.conftest import make_survey

    survey = make_survey(product, pm, title="Platform happiness", audience="stakeholders")
    with django_capture_on_commit_callbacks(execute=True):
        round_ = reports.round_open(survey=survey, actor=pm)
    told = Notification.objects.filter(kind=Kind.SURVEY_OPENED)
    assert list(told.values_list("recipient__username", flat=True)) == ["stakeholder"]
    notification = told.get()
    assert notification.link == f"/p/recommender/reports/rounds/{round_.pk}/answer/"
    # Only the survey's own invitation email (with its personal link): the notification is in-app by default.
    assert [email.to for email in mail.outbox] == [["stakeholder@example.com"]]
    assert "How happy are you" in mail.outbox[0].subject
    client = browser_client.as_user(stakeholder)
    assertContains(client.get("/notifications/"), "Platform happiness")
    response = client.get(f"/notifications/{notification.pk}/")
    assert response["Location"] == notification.link


def test_a_started_retrospective_tells_the_team_but_not_stakeholders(product, scrum_master, member, pm, stakeholder):
    from apps.retros import services as retros
    from apps.sprints import services as sprints

    start = datetime.date(2026, 3, 2)
    sprint = sprints.sprint_create(
        actor=scrum_master, product=product, name="S1", start_date=start, end_date=start + datetime.timedelta(days=9)
    )
    sprint = sprints.sprint_start(actor=scrum_master, sprint=sprint)
    retro = retros.retro_create(actor=scrum_master, product=product, sprint=sprint)
    told = Notification.objects.filter(kind=Kind.RETRO_STARTED)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["member", "pm"]
    assert told.first().link == f"/p/recommender/retros/{retro.pk}/"
