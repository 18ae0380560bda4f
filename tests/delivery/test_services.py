"""Building reports: one per product and period however often it runs, emailed
once per version, built after a sprint closes and by the monthly cadence, the
sweep that finds what was left unbuilt, publishing."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_celery_beat.models import PeriodicTask

from apps.core.exceptions import Conflict
from apps.delivery import notifications, services, tasks
from apps.delivery.models import DeliveryEmail, DeliveryReport, DeliverySettings, DeliverySubscription, Period
from apps.sprints import services as sprints
from apps.sprints.models import Sprint
from tests.delivery.conftest import APRIL, at, day, on
from tests.factories import MembershipFactory, ProductFactory

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def subscribers(product, pm, member, stakeholder):
    for person in (pm, member, stakeholder):
        DeliverySubscription.objects.create(product=product, person=person)
    return [pm, member]


def build_march(product):
    with on(APRIL):
        return services.report_build(product=product, period=Period.MONTH, start=MARCH[0], end=MARCH[1])


def test_building_twice_leaves_one_report_and_emails_once(history, subscribers, django_capture_on_commit_callbacks):
    product = history["product"]
    with django_capture_on_commit_callbacks(execute=True):
        first = build_march(product)
    with django_capture_on_commit_callbacks(execute=True):
        again = build_march(product)
    assert first.pk == again.pk
    assert DeliveryReport.objects.count() == 1
    assert (again.version, DeliveryReport.objects.get().emailed_version) == (1, 1)
    # The PM and the team member subscribed; the stakeholder's subscription does not reach a report.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in subscribers)
    assert "Delivered 11 of 18 committed points" in mail.outbox[0].body


def test_a_retried_email_task_sends_nothing_twice(history, subscribers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        report = build_march(history["product"])
    assert DeliveryEmail.objects.filter(report=report, version=1).count() == 2
    assert notifications.report_emails_send(report_id=report.pk) == 2
    assert notifications.report_emails_send(report_id=report.pk) == 0
    assert tasks.send_pending_emails() == 0
    assert len(mail.outbox) == 2


def test_a_rebuild_that_changes_the_figures_is_a_new_version_emailed_once(
    history, subscribers, scrum_master, django_capture_on_commit_callbacks
):
    product = history["product"]
    with django_capture_on_commit_callbacks(execute=True):
        build_march(product)
    e = history["items"]["e"]
    from apps.backlog.services import blocker_resolve

    with on(at(day(20))):
        blocker_resolve(actor=scrum_master, blocker=history["blockers"]["dependency"])
    with django_capture_on_commit_callbacks(execute=True):
        report = build_march(product)
    assert report.version == 2
    assert len(mail.outbox) == 4
    assert DeliveryReport.objects.get().emailed_version == 2
    assert e.pk


def test_the_sweep_sends_what_a_lost_task_did_not(history, subscribers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        report = build_march(history["product"])
    DeliveryEmail.objects.update(created_at=at(datetime.date(2026, 1, 1)))
    assert tasks.send_pending_emails() == 2
    assert tasks.send_pending_emails() == 0
    assert DeliveryReport.objects.get(pk=report.pk).emailed_version == 1


def test_closing_a_sprint_builds_its_report(product, scrum_master, make_item, django_capture_on_commit_callbacks):
    with on(at(day(0))):
        sprint = sprints.sprint_create(
            actor=scrum_master, product=product, name="S1", start_date=day(0), end_date=day(4)
        )
        sprints.sprint_item_add(actor=scrum_master, sprint=sprint, item=make_item(product, "X", 3, status="ready"))
        sprints.sprint_start(actor=scrum_master, sprint=sprint)
    with on(at(day(3))), django_capture_on_commit_callbacks(execute=True):
        item = sprint.sprint_items.get().item
        sprints.sprint_close(
            actor=scrum_master, sprint=Sprint.objects.get(pk=sprint.pk), decisions={item.pk: "backlog"}
        )
    report = DeliveryReport.objects.get()
    assert (report.period, report.start, report.end, report.sprint_id) == (Period.SPRINT, day(0), day(3), sprint.pk)
    assert report.figures["sprints"]["committed"] == 3
    # Run again (a doubled task): still one report, same version.
    tasks.build_sprint_report(sprint.pk)
    assert DeliveryReport.objects.get().version == 1


def test_a_product_may_turn_off_reports_after_sprints(
    product, pm, scrum_master, make_item, django_capture_on_commit_callbacks
):
    services.settings_set(actor=pm, product=product, monthly=True, after_sprint_close=False)
    with on(at(day(0))):
        sprint = sprints.sprint_create(
            actor=scrum_master, product=product, name="S1", start_date=day(0), end_date=day(4)
        )
        sprints.sprint_start(actor=scrum_master, sprint=sprint)
    with on(at(day(3))), django_capture_on_commit_callbacks(execute=True):
        sprints.sprint_close(actor=scrum_master, sprint=Sprint.objects.get(pk=sprint.pk), decisions={})
    assert not DeliveryReport.objects.exists()


def test_the_cadence_is_a_monthly_beat_entry_that_the_pm_can_pause(product, pm):
    settings = services.settings_set(actor=pm, product=product, monthly=True, after_sprint_close=True)
    task = PeriodicTask.objects.get(pk=settings.schedule_id)
    assert (task.task, json.loads(task.kwargs), task.enabled) == (
        "delivery.build_scheduled",
        {"product_id": product.pk},
        True,
    )
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month) == ("0", "6", "1")
    paused = services.settings_set(
        actor=pm, product=product, monthly=False, after_sprint_close=True, expected_version=settings.version
    )
    assert PeriodicTask.objects.get(pk=paused.schedule_id).enabled is False
    assert PeriodicTask.objects.count() == 1
    with pytest.raises(Conflict):
        services.settings_set(
            actor=pm, product=product, monthly=True, after_sprint_close=True, expected_version=settings.version
        )


def test_the_scheduled_task_builds_last_month_and_nothing_for_an_empty_product(history):
    with on(APRIL):
        report_id = tasks.build_scheduled(history["product"].pk)
        assert tasks.build_scheduled(ProductFactory().pk) is None
        assert tasks.build_scheduled(999999) is None
    report = DeliveryReport.objects.get(pk=report_id)
    assert (report.period, report.start, report.end) == (Period.MONTH, *MARCH)


def test_the_sweep_builds_the_periods_left_unbuilt_once(history, django_capture_on_commit_callbacks):
    with on(APRIL), django_capture_on_commit_callbacks(execute=True):
        DeliveryReport.objects.all().delete()
        built = services.reports_build_missing(today=APRIL.date())
        again = services.reports_build_missing(today=APRIL.date())
    # March of the product, and Sprint 1 (closed on 11 March; Sprint 2 is still running).
    assert built == 2
    assert again == 0
    assert set(DeliveryReport.objects.values_list("period", flat=True)) == {"month", "sprint"}
    # The product got its own monthly entry in django-celery-beat.
    assert PeriodicTask.objects.get(task="delivery.build_scheduled").enabled


def test_a_paused_product_is_not_swept(history, pm):
    services.settings_set(actor=pm, product=history["product"], monthly=False, after_sprint_close=False)
    with on(APRIL):
        assert services.reports_build_missing(today=APRIL.date()) == 0


@pytest.mark.parametrize(
    "period, start, end, message",
    [("year", MARCH[0], MARCH[1], "Choose one of"), ("month", MARCH[1], MARCH[0], "cannot end before")],
)
def test_a_bad_period_is_refused(product, period, start, end, message):
    with pytest.raises(ValidationError, match=message):
        services.report_build(product=product, period=period, start=start, end=end)
    assert not DeliveryReport.objects.exists()


def test_a_month_not_begun_cannot_be_built(product, pm):
    with pytest.raises(ValidationError, match="not begun"):
        services.report_request(actor=pm, product=product, month=datetime.date(2999, 1, 1))


def test_publishing_keeps_the_summary_as_it_was(history, pm):
    report = build_march(history["product"])
    published = services.report_publish(actor=pm, report=report, published=True, expected_version=1)
    assert published.published_summary == report.summary
    assert published.publish_version == 2
    with pytest.raises(Conflict):
        services.report_publish(actor=pm, report=report, published=False, expected_version=1)
    taken_back = services.report_publish(actor=pm, report=report, published=False, expected_version=2)
    assert (taken_back.published_at, taken_back.published_summary) == (None, "")


def test_settings_are_made_with_the_defaults_once(product):
    first = services.settings_ensure(product=product)
    second = services.settings_ensure(product=product)
    assert first.pk == second.pk
    assert DeliverySettings.objects.count() == PeriodicTask.objects.filter(task="delivery.build_scheduled").count() == 1


def test_only_the_team_of_the_product_is_emailed(history, django_capture_on_commit_callbacks):
    product = history["product"]
    elsewhere = MembershipFactory(product=ProductFactory(), role="product_manager").user
    DeliverySubscription.objects.create(product=product, person=elsewhere)
    with django_capture_on_commit_callbacks(execute=True):
        build_march(product)
    assert mail.outbox == []
