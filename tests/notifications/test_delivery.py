"""Delivery rules of the one notification system: who is told, through which
channel (decided with the preferences as they are when sending), the daily
digest, and nothing twice."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from apps.accounts.models import Membership
from apps.core.outbox import SWEEP_GRACE
from apps.notifications import delivery, services, tasks
from apps.notifications.kinds import Email, Kind
from apps.notifications.models import Notification
from apps.notifications.selectors import unread_count
from tests.factories import UserFactory

Sent = Notification.EmailState


def test_each_recipient_gets_one_row_in_app_and_an_email_at_once(
    settings, tell, member, scrum_master, pm, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://portal.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        assert tell(member, scrum_master, pm) == sorted([member.pk, scrum_master.pk])  # never the actor
    assert Notification.objects.count() == 2
    assert sorted(email.to[0] for email in mail.outbox) == ["member@example.com", "scrum@example.com"]
    assert "https://portal.example.com/p/recommender/backlog/items/1/" in mail.outbox[0].body
    assert "https://portal.example.com/notifications/settings/" in mail.outbox[0].body
    assert mail.outbox[0].subject == "[Recommender] pm mentioned you on #1"
    row = Notification.objects.get(recipient=member)
    assert (row.in_app, row.email_state, row.sent_at is not None) == (True, Sent.SENT, True)
    assert unread_count(member) == 1


def test_people_outside_the_product_or_inactive_are_not_told(tell, member, outsider):
    gone = UserFactory()
    Membership.objects.create(user=gone, product=member.memberships.get().product, role="member")
    gone.is_active = False
    gone.save()
    assert tell(member, outsider, gone) == [member.pk]


def test_the_preference_is_asked_again_when_sending(tell, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # queued, not yet sent
        tell(member)
    services.preference_set(actor=member, kind=Kind.MENTIONED, email=Email.OFF, in_app=False)
    assert tasks.send_event("test:1") == 1
    assert mail.outbox == []
    row = Notification.objects.get()
    assert (row.in_app, row.email_state) == (False, Sent.NONE)
    assert unread_count(member) == 0


def test_email_turned_on_after_queueing_is_honoured_too(tell, member, django_capture_on_commit_callbacks):
    services.preference_set(actor=member, kind=Kind.MENTIONED, email=Email.OFF)
    with django_capture_on_commit_callbacks(execute=False):
        tell(member)
    services.preference_set(actor=member, kind=Kind.MENTIONED, email=Email.NOW)
    tasks.send_event("test:1")
    assert [email.to for email in mail.outbox] == [["member@example.com"]]


def test_a_kind_turned_off_for_both_channels_writes_no_row(tell, member):
    services.preference_set(actor=member, kind=Kind.MENTIONED, email=Email.OFF, in_app=False)
    assert tell(member) == []
    assert not Notification.objects.exists()


def test_in_app_only_shows_under_the_bell_without_an_email(tell, member, django_capture_on_commit_callbacks):
    services.preference_set(actor=member, kind=Kind.MENTIONED, email=Email.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        tell(member)
    assert mail.outbox == []
    assert unread_count(member) == 1


def test_the_same_event_told_twice_and_a_task_run_twice_send_once(tell, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tell(member)
        tell(member)  # a doubled call
    tasks.send_event.delay("test:1")
    tasks.send_event("test:1")
    tasks.send_pending()
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_sweep_delivers_what_a_lost_task_never_did_and_only_once(tell, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the task is "lost"
        tell(member)
    assert tasks.send_pending() == 0, "too fresh: the on-commit task may still be on its way"
    Notification.objects.update(created_at=timezone.now() - SWEEP_GRACE - timedelta(seconds=1))
    assert tasks.send_pending() == 1
    assert tasks.send_pending() == 0
    assert len(mail.outbox) == 1


def test_someone_who_left_the_product_before_sending_is_not_told(
    tell, member, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        tell(member)
    Membership.objects.filter(user=member, product=product).delete()
    tasks.send_event("test:1")
    assert mail.outbox == []
    assert Notification.objects.get().in_app is False


def test_the_daily_digest_gathers_what_waits_and_is_sent_once(tell, member, django_capture_on_commit_callbacks):
    services.preference_set(actor=member, kind=Kind.MENTIONED, email=Email.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        tell(member, key="a", text="First mention")
        tell(member, key="b", text="Second mention")
    assert mail.outbox == []
    assert set(Notification.objects.values_list("email_state", flat=True)) == {Sent.DIGEST}
    assert tasks.send_digests() == 1
    assert tasks.send_digests() == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.subject == "Your daily digest: 2 updates"
    assert digest.body.index("First mention") < digest.body.index("Second mention")
    assert set(Notification.objects.values_list("email_state", flat=True)) == {Sent.SENT}
    assert unread_count(member) == 2, "the digest does not replace the bell"


def test_a_kind_turned_off_before_the_digest_leaves_it_out(tell, member, django_capture_on_commit_callbacks):
    services.preference_set(actor=member, kind=Kind.MENTIONED, email=Email.DAILY)
    services.preference_set(actor=member, kind=Kind.ASSIGNED, email=Email.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        tell(member, key="a", text="A mention")
        tell(member, key="b", text="An assignment", kind=Kind.ASSIGNED)
    services.preference_set(actor=member, kind=Kind.MENTIONED, email=Email.OFF)
    assert delivery.digests_send() == 1
    assert "An assignment" in mail.outbox[0].body
    assert "A mention" not in mail.outbox[0].body
    assert Notification.objects.get(key="a").email_state == Sent.NONE


def test_nobody_is_emailed_without_an_address(tell, member, django_capture_on_commit_callbacks):
    member.email = ""
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        tell(member)
    assert mail.outbox == []
    assert unread_count(member) == 1


def test_a_target_rule_keeps_people_who_may_not_see_it_out(
    tell, member, scrum_master, product, make_item, django_capture_on_commit_callbacks
):
    from apps.notifications import targets

    item = make_item()
    rules = dict(targets._rules)
    try:
        targets.register(type(item), audience=lambda target, user_ids: {scrum_master.pk} & user_ids)
        told = services.notify(
            kind=Kind.ASSIGNED, recipients=[member, scrum_master], key="k", text="t", product=product, target=item
        )
        assert told == [scrum_master.pk]
        # The rule changes before sending: asked again, it now refuses the scrum master too.
        targets.register(type(item), audience=lambda target, user_ids: set())
        tasks.send_event("k")
        assert mail.outbox == []
        assert unread_count(scrum_master) == 0
    finally:
        targets._rules.clear()
        targets._rules.update(rules)
