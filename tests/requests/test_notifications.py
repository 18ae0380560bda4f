"""Emails to the requester and watchers: once per change, to the right people, with a link back."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.core.outbox import SWEEP_GRACE
from apps.notifications.models import Notification
from apps.requests import services, tasks
from apps.requests.models import NotificationPreference, RequestEvent
from apps.sprints import services as sprints
from tests.factories import MembershipFactory, StakeholderRequestFactory, UserFactory


@pytest.fixture
def watcher(product):
    return MembershipFactory(product=product, role="stakeholder", user=UserFactory(username="watcher")).user


def test_a_decline_emails_the_requester_its_reason_with_an_absolute_link(
    settings, django_capture_on_commit_callbacks, pm, new_request
):
    settings.PORTAL_BASE_URL = "https://portal.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        services.request_decline(actor=pm, stakeholder_request=new_request, reason="Out of scope this year.")
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["stakeholder@example.com"]
    assert email.subject == f"[Recommender] R-{new_request.number} was declined"
    assert "Out of scope this year." in email.body
    assert f"https://portal.example.com/p/recommender/requests/{new_request.number}/" in email.body
    assert "https://portal.example.com/requests/notifications/" in email.body
    assert Notification.objects.get().sent_at is not None


def test_a_product_name_with_a_line_break_still_gives_a_one_line_subject(
    django_capture_on_commit_callbacks, pm, product, new_request
):
    product.name = "Recommender\nBcc: everyone@example.com"
    product.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_decline(actor=pm, stakeholder_request=new_request, reason="Out of scope.")
    message = mail.outbox[0].message()
    assert message["Subject"] == f"[Recommender Bcc: everyone@example.com] R-{new_request.number} was declined"
    assert message["Bcc"] is None


def test_watchers_are_told_too_but_not_the_person_who_made_the_change(
    django_capture_on_commit_callbacks, pm, watcher, new_request
):
    services.watch_set(actor=watcher, stakeholder_request=new_request, watching=True)
    services.watch_set(actor=pm, stakeholder_request=new_request, watching=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_accept(actor=pm, stakeholder_request=new_request)
    assert sorted(email.to[0] for email in mail.outbox) == ["stakeholder@example.com", "watcher@example.com"]


def test_each_change_is_sent_exactly_once_even_if_the_task_runs_twice(
    django_capture_on_commit_callbacks, pm, watcher, new_request
):
    services.watch_set(actor=watcher, stakeholder_request=new_request, watching=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_ask_for_info(actor=pm, stakeholder_request=new_request, question="Which region?")
    event = RequestEvent.objects.get()
    assert len(mail.outbox) == 2
    tasks.send_event_notifications.delay(event.pk)
    tasks.send_event_notifications(event.pk)
    tasks.send_pending_notifications()
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(event=event, sent_at__isnull=False).count() == 2


def test_the_sweep_sends_what_a_lost_task_never_sent_and_only_once(pm, new_request, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the task is "lost"
        services.request_decline(actor=pm, stakeholder_request=new_request, reason="No.")
    assert mail.outbox == []
    assert tasks.send_pending_notifications() == 0, "too fresh: the on-commit task may still be on its way"
    Notification.objects.update(created_at=timezone.now() - SWEEP_GRACE - timedelta(seconds=1))
    assert tasks.send_pending_notifications() == 1
    assert tasks.send_pending_notifications() == 0
    assert len(mail.outbox) == 1


def test_a_person_who_turned_emails_off_gets_none(django_capture_on_commit_callbacks, pm, stakeholder, new_request):
    services.notification_preference_set(actor=stakeholder, email_on_request_updates=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_decline(actor=pm, stakeholder_request=new_request, reason="No.")
    assert mail.outbox == []
    assert not Notification.objects.exists()
    services.notification_preference_set(actor=stakeholder, email_on_request_updates=True)
    assert NotificationPreference.objects.get(user=stakeholder).email_on_request_updates


def test_people_who_left_the_product_or_may_not_see_a_private_request_are_not_told(
    django_capture_on_commit_callbacks, pm, member, watcher, product, stakeholder
):
    private = StakeholderRequestFactory(product=product, requester=stakeholder, visibility="private")
    for person in (member, watcher):
        services.watch_set(actor=person, stakeholder_request=private, watching=True)
    left = UserFactory()
    services.watch_set(actor=left, stakeholder_request=private, watching=True)  # no membership at all
    with django_capture_on_commit_callbacks(execute=True):
        services.request_decline(actor=pm, stakeholder_request=private, reason="No.")
    assert sorted(email.to[0] for email in mail.outbox) == ["member@example.com", "stakeholder@example.com"]


def test_delivery_through_the_backlog_tells_the_requester(django_capture_on_commit_callbacks, pm, new_request):
    from apps.backlog import services as backlog

    accepted = services.request_accept(actor=pm, stakeholder_request=new_request)
    item = accepted.backlog_item
    item.acceptance_criteria.create(text="works")
    backlog.item_update(actor=pm, item=item, expected_version=item.version, story_points=1)
    item.refresh_from_db()
    for status in ("ready", "in_progress"):
        item = backlog.item_set_status(actor=pm, item=item, status=status)
    with django_capture_on_commit_callbacks(execute=True):
        backlog.item_set_status(actor=pm, item=item, status="done")
    assert [email.subject for email in mail.outbox] == [f"[Recommender] R-{new_request.number} was delivered"]


def _plan(actor, item, end: date):
    sprint = sprints.sprint_create(
        actor=actor, product=item.product, name="Sprint 1", start_date=end - timedelta(days=13), end_date=end
    )
    sprints.sprint_item_add(actor=actor, sprint=sprint, item=item)
    return sprint


def test_a_moved_delivery_date_is_told_once_per_move(django_capture_on_commit_callbacks, pm, product, new_request):
    accepted = services.request_accept(actor=pm, stakeholder_request=new_request)
    assert accepted.expected_delivery is None
    sprint = _plan(pm, accepted.backlog_item, end=date(2031, 3, 14))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.expected_deliveries_refresh() == 1
        assert services.expected_deliveries_refresh() == 0
    assert len(mail.outbox) == 1
    assert "expected delivery moved" in mail.outbox[0].subject
    assert "not planned → 14 March 2031" in mail.outbox[0].body

    sprints.sprint_update(actor=pm, sprint=sprint, end_date=date(2031, 3, 28))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.refresh_expected_deliveries()
    assert len(mail.outbox) == 2
    assert "14 March 2031 → 28 March 2031" in mail.outbox[1].body
    accepted.refresh_from_db()
    assert accepted.expected_delivery == date(2031, 3, 28)
