from django.core.management import call_command

from apps.backlog.models import BacklogItem
from apps.core.management.commands import seed_demo
from apps.requests.models import StakeholderRequest

Status = StakeholderRequest.Status


def test_demo_requests_cover_the_states_and_seeding_twice_adds_nothing(db, monkeypatch):
    monkeypatch.setattr(seed_demo, "DEMO_MODULES", ["apps.requests.demo"])  # the other apps test their own
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)
    requests = StakeholderRequest.objects.filter(product__slug="recommender")
    assert requests.count() == 4
    assert set(requests.values_list("status", flat=True)) == {
        Status.ACCEPTED,
        Status.NEEDS_INFO,
        Status.DECLINED,
        Status.NEW,
    }
    assert set(requests.values_list("requester__username", flat=True)) == {"stella"}
    declined = requests.get(status=Status.DECLINED)
    assert declined.decision_note.startswith("Not this year")
    accepted = requests.get(status=Status.ACCEPTED)
    assert BacklogItem.objects.filter(pk=accepted.backlog_item_id, product__slug="recommender").exists()
    assert accepted.votes.count() == 2 and accepted.comments.filter(internal=True).exists()
    assert StakeholderRequest.objects.filter(product__slug="insights", snoozed_until__isnull=False).count() == 1
