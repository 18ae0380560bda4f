from django.core.management import call_command

from apps.demo.management.commands import seed_demo
from apps.requests.models import StakeholderRequest

Status = StakeholderRequest.Status


def test_demo_requests_cover_the_states_and_seeding_twice_adds_nothing(db, monkeypatch):
    monkeypatch.setattr(seed_demo, "DEMO_MODULES", ["apps.backlog.demo", "apps.requests.demo"])
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)
    requests = StakeholderRequest.objects.all()
    assert requests.count() == 8
    assert set(requests.values_list("requester__username", flat=True)) == {"stella"}
    assert set(requests.values_list("status", flat=True)) == {
        Status.NEW,
        Status.NEEDS_INFO,
        Status.ACCEPTED,
        Status.DECLINED,
    }
    assert requests.filter(status=Status.NEW, snoozed_until__isnull=True).exists(), "the inbox has work"
    assert requests.filter(snoozed_until__isnull=False).count() == 1
    declined = requests.filter(status=Status.DECLINED).first()
    assert declined.decision_note.startswith("Not this year")

    linked = requests.get(title="Explain to merchandisers why an item is recommended")
    assert linked.backlog_item.title == "Explain recommendations to merchandisers", "links the existing item"
    assert linked.backlog_item.stakeholder_requests.count() == 1
    created = requests.get(title="Recommendations ignore items that are out of stock")
    assert created.backlog_item.title == created.title
    assert created.votes.count() == 2 and created.comments.filter(internal=True).exists()
