"""The happiness journey in a browser: the PM schedules a survey, beat opens
a round, five people answer through their personal links, the round closes
and the report page shows the figures and the charts."""

import json
import re
from datetime import timedelta
from urllib.parse import urlparse

from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.reports.models import Survey, SurveyRound
from portal.celery import app
from tests.factories import MembershipFactory

# (happiness label, recommend) for the five people who answer.
ANSWERS = [("5 · Very happy", "10"), ("4 · Happy", "9"), ("4 · Happy", "8"), ("3 · Neutral", "7"), ("2 · Unhappy", "3")]


def run_beat_entry(task: PeriodicTask):
    """What beat does when the entry is due: send its task with its arguments."""
    return app.tasks[task.task].apply(kwargs=json.loads(task.kwargs or "{}")).get()


def test_pm_schedules_a_survey_people_answer_and_the_report_shows_figures_and_charts(
    sign_in, pm, scrum_master, member, stakeholder, product
):
    for _ in range(2):
        MembershipFactory(product=product, role=Role.TEAM_MEMBER)

    page = sign_in(pm)
    page.goto("/p/recommender/")
    page.get_by_role("link", name="Happiness").click()
    page.get_by_role("link", name="New survey").click()
    page.get_by_label("Title").fill("Platform happiness")
    page.get_by_label("Capabilities").fill("Feature store\nDocumentation")
    page.get_by_label("Run every (weeks)").fill("8")
    page.get_by_role("button", name="Schedule survey").click()
    expect(page.locator("#cadence")).to_have_text("every 8 weeks")

    survey = Survey.objects.get(title="Platform happiness")
    run_beat_entry(PeriodicTask.objects.get(pk=survey.schedule_id))
    round_ = SurveyRound.objects.get(survey=survey)
    links = [re.search(r"^http\S+/answer/\S+/$", m.body, re.M).group(0) for m in mail.outbox]
    assert len(links) == round_.invited_count == 6

    for link, (happiness, recommend) in zip(links, ANSWERS, strict=False):
        page.goto(urlparse(link).path)
        page.get_by_role("radio", name=happiness, exact=True).check()
        page.get_by_role("radio", name=recommend, exact=True).check()
        page.get_by_label("Documentation: how satisfied are you?").select_option("2")
        page.get_by_label("What should we improve?").fill("The documentation is out of date")
        page.get_by_role("button", name="Send my answer").click()
        expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    page.goto(urlparse(links[0]).path)
    expect(page.get_by_role("alert")).to_contain_text("already answered")

    # Time passes: the round is due, and beat's sweep closes it and builds the report.
    SurveyRound.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    run_beat_entry(PeriodicTask(task="reports.close_due_rounds"))

    page.goto("/p/recommender/reports/")
    page.get_by_role("link", name="Platform happiness · round 1").click()
    # (5 + 4 + 4 + 3 + 2) / 5 = 3.6; promoters 10, 9 and detractor 3: (2 - 1) / 5 = 20.
    expect(page.locator("#happiness-mean")).to_have_text("3.6")
    expect(page.locator("#nps-score")).to_have_text("20")
    expect(page.get_by_role("table", name="Happiness scores")).to_contain_text("4")
    expect(page.locator(".charts")).to_have_attribute("data-drawn", "true")
    drawn = page.evaluate(
        "() => ['chart-happiness', 'chart-nps', 'chart-capabilities', 'chart-trend']"
        ".map((id) => Boolean(Chart.getChart(document.getElementById(id))))"
    )
    assert drawn == [True, True, True, True]
    expect(page.get_by_role("region", name="What to improve")).to_contain_text("Documentation")
