"""Each triage transition, the duplicate merge, delivery through the backlog,
and the service-level clocks, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.backlog import services as backlog
from apps.backlog.models import BacklogItem
from apps.core.exceptions import Conflict
from apps.requests import services
from apps.requests.models import RequestEvent, StakeholderRequest, Vote, Watcher
from tests.factories import MembershipFactory, StakeholderRequestFactory, UserFactory

Status = StakeholderRequest.Status


def events_of(stakeholder_request):
    return list(stakeholder_request.events.values_list("old_status", "new_status", "note"))


def test_submission_starts_new_with_a_number_per_product(submit, stakeholder, product, other_product, outsider):
    first = submit(stakeholder)
    second = submit(stakeholder, title="Another problem")
    elsewhere = submit(outsider, product=other_product)
    assert (first.status, first.number, second.number, elsewhere.number) == (Status.NEW, 1, 2, 1)
    assert first.requester == stakeholder
    assert first.first_response_at is None and first.decided_at is None


def test_accept_creates_a_backlog_item_from_the_problem(pm, new_request):
    accepted = services.request_accept(actor=pm, stakeholder_request=new_request, note="Next sprint.")
    assert accepted.status == Status.ACCEPTED
    item = accepted.backlog_item
    assert item.product == new_request.product and item.title == "Explain forecast errors"
    assert "From stakeholder request R-" in item.description and "**why**" in item.description
    assert accepted.decision_note == "Next sprint."
    assert events_of(accepted) == [("new", "accepted", "Next sprint.")]
    assert accepted.decided_at is not None and accepted.first_response_at is not None


def test_accept_links_an_existing_item_of_the_same_product(pm, new_request, product):
    item = backlog.item_create(actor=pm, product=product, title="Forecast explanations")
    accepted = services.request_accept(actor=pm, stakeholder_request=new_request, backlog_item=item)
    assert accepted.backlog_item == item
    assert BacklogItem.objects.count() == 1


def test_accept_refuses_an_item_of_another_product_and_changes_nothing(pm, new_request, other_product, outsider):
    foreign = backlog.item_create(actor=outsider, product=other_product, title="Theirs")
    with pytest.raises(ValidationError, match="same product"):
        services.request_accept(actor=pm, stakeholder_request=new_request, backlog_item=foreign)
    new_request.refresh_from_db()
    assert new_request.status == Status.NEW and new_request.backlog_item is None
    assert not RequestEvent.objects.exists()


def test_linking_an_item_that_is_already_done_delivers_at_once(pm, new_request, product):
    item = backlog.item_create(actor=pm, product=product, title="Done already", story_points=1)
    item.acceptance_criteria.create(text="works")
    for status in ("ready", "in_progress", "done"):
        item = backlog.item_set_status(actor=pm, item=item, status=status)
    delivered = services.request_accept(actor=pm, stakeholder_request=new_request, backlog_item=item)
    assert delivered.status == Status.DELIVERED and delivered.delivered_at is not None


def test_decline_needs_a_reason_and_records_it_as_the_decision(pm, new_request):
    with pytest.raises(ValidationError, match="reason"):
        services.request_decline(actor=pm, stakeholder_request=new_request, reason="   ")
    declined = services.request_decline(actor=pm, stakeholder_request=new_request, reason="Out of scope this year.")
    assert declined.status == Status.DECLINED
    assert declined.decision_note == "Out of scope this year."
    assert events_of(declined) == [("new", "declined", "Out of scope this year.")]


def test_a_decided_request_cannot_be_decided_again(pm, new_request):
    services.request_decline(actor=pm, stakeholder_request=new_request, reason="No.")
    with pytest.raises(ValidationError, match="cannot become accepted"):
        services.request_accept(actor=pm, stakeholder_request=new_request)
    assert not BacklogItem.objects.exists()


def test_asking_for_info_waits_for_the_requesters_answer_then_returns_to_the_inbox(pm, stakeholder, new_request):
    with pytest.raises(ValidationError):
        services.request_ask_for_info(actor=pm, stakeholder_request=new_request, question="")
    asked = services.request_ask_for_info(actor=pm, stakeholder_request=new_request, question="Which region?")
    assert asked.status == Status.NEEDS_INFO and asked.first_response_at is not None and asked.decided_at is None
    assert asked.decision_note == "Which region?", "the requester sees the question with the request"
    services.comment_add(actor=pm, stakeholder_request=asked, body="Also: which weeks?")
    asked.refresh_from_db()
    assert asked.status == Status.NEEDS_INFO, "a team comment is not the answer"
    services.comment_add(actor=stakeholder, stakeholder_request=asked, body="Europe, all of December.")
    asked.refresh_from_db()
    assert asked.status == Status.NEW and asked.decision_note == ""
    assert events_of(asked)[-1][:2] == ("needs_info", "new")


def test_snooze_needs_a_future_date_and_only_applies_to_new_requests(pm, new_request):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="after today"):
        services.request_snooze(actor=pm, stakeholder_request=new_request, until=today)
    snoozed = services.request_snooze(actor=pm, stakeholder_request=new_request, until=today + timedelta(days=3))
    assert snoozed.snoozed_until == today + timedelta(days=3) and snoozed.status == Status.NEW
    assert not snoozed.events.exists(), "a snooze is internal: nobody is told"
    services.request_decline(actor=pm, stakeholder_request=snoozed, reason="No.")
    with pytest.raises(ValidationError, match="Only new requests"):
        services.request_snooze(actor=pm, stakeholder_request=snoozed, until=today + timedelta(days=3))


def test_merge_moves_votes_and_watchers_and_counts_the_requester_on_the_kept_request(pm, product, stakeholder):
    kept_requester, dup_requester, fan, both = UserFactory.create_batch(4)
    for person in (kept_requester, dup_requester, fan, both):
        MembershipFactory(product=product, user=person, role="stakeholder")
    kept = StakeholderRequestFactory(product=product, requester=kept_requester)
    duplicate = StakeholderRequestFactory(product=product, requester=dup_requester)
    services.vote_add(actor=fan, stakeholder_request=duplicate)
    services.vote_add(actor=both, stakeholder_request=duplicate)
    services.vote_add(actor=both, stakeholder_request=kept)
    services.watch_set(actor=stakeholder, stakeholder_request=duplicate, watching=True)

    merged = services.request_merge(actor=pm, stakeholder_request=duplicate, into=kept)

    assert merged.status == Status.DUPLICATE and merged.duplicate_of == kept
    assert f"R-{kept.number}" in merged.decision_note
    assert set(Vote.objects.filter(request=kept).values_list("user", flat=True)) == {fan.pk, both.pk, dup_requester.pk}
    assert set(Watcher.objects.filter(request=kept).values_list("user", flat=True)) == {
        fan.pk,
        both.pk,
        dup_requester.pk,
        stakeholder.pk,
    }
    assert not Vote.objects.filter(request=duplicate).exists()
    assert not Watcher.objects.filter(request=duplicate).exists()


def test_merge_into_a_private_request_moves_only_watchers_who_may_see_it(pm, product, stakeholder, member):
    kept = StakeholderRequestFactory(product=product, requester=stakeholder, visibility="private")
    duplicate = StakeholderRequestFactory(product=product, requester=stakeholder, visibility="private")
    former_team_member = MembershipFactory(product=product, role="stakeholder").user  # watched while on the team
    for person in (member, former_team_member):
        services.watch_set(actor=person, stakeholder_request=duplicate, watching=True)
    services.request_merge(actor=pm, stakeholder_request=duplicate, into=kept)
    assert set(Watcher.objects.filter(request=kept).values_list("user", flat=True)) == {member.pk}


def test_merge_into_someone_elses_private_request_is_refused_so_nothing_leaks(pm, product, new_request):
    private = StakeholderRequestFactory(product=product, requester=pm, visibility="private", title="Secret")
    with pytest.raises(ValidationError, match="private to its requester"):
        services.request_merge(actor=pm, stakeholder_request=new_request, into=private)
    new_request.refresh_from_db()
    assert new_request.status == Status.NEW and new_request.duplicate_of is None


def test_merge_of_a_public_request_into_its_requesters_private_one_is_refused_so_its_readers_see_nothing(
    pm, product, stakeholder
):
    # Everyone in the product reads the public duplicate, its decision note and its "Follow R-n" link.
    private = StakeholderRequestFactory(product=product, requester=stakeholder, visibility="private", title="Secret")
    public = StakeholderRequestFactory(product=product, requester=stakeholder, visibility="public")
    with pytest.raises(ValidationError, match="private to its requester"):
        services.request_merge(actor=pm, stakeholder_request=public, into=private)
    public.refresh_from_db()
    assert public.status == Status.NEW and public.duplicate_of is None and "Secret" not in public.decision_note


def test_merge_refuses_itself_another_product_and_a_duplicate(pm, product, other_product, new_request):
    with pytest.raises(ValidationError, match="itself"):
        services.request_merge(actor=pm, stakeholder_request=new_request, into=new_request)
    with pytest.raises(ValidationError, match="same product"):
        services.request_merge(
            actor=pm, stakeholder_request=new_request, into=StakeholderRequestFactory(product=other_product)
        )
    kept = StakeholderRequestFactory(product=product)
    middle = StakeholderRequestFactory(product=product)
    services.request_merge(actor=pm, stakeholder_request=middle, into=kept)
    with pytest.raises(ValidationError, match="itself a duplicate"):
        services.request_merge(actor=pm, stakeholder_request=new_request, into=middle)
    new_request.refresh_from_db()
    assert new_request.status == Status.NEW


def test_a_decision_on_an_outdated_version_is_refused(pm, new_request):
    stale_version = new_request.version
    services.request_snooze(actor=pm, stakeholder_request=new_request, until=timezone.localdate() + timedelta(days=1))
    with pytest.raises(Conflict, match="changed by someone else"):
        services.request_decline(
            actor=pm, stakeholder_request=new_request, reason="No.", expected_version=stale_version
        )
    new_request.refresh_from_db()
    assert new_request.status == Status.NEW


def _finish(item, actor):
    item.acceptance_criteria.create(text="works")
    backlog.item_update(actor=actor, item=item, expected_version=item.version, story_points=2)
    item.refresh_from_db()
    for status in ("ready", "in_progress", "done"):
        item = backlog.item_set_status(actor=actor, item=item, status=status)
    return item


def test_the_request_is_delivered_when_its_backlog_item_is_done_and_reopened_with_it(pm, member, new_request):
    accepted = services.request_accept(actor=pm, stakeholder_request=new_request)
    item = _finish(accepted.backlog_item, member)
    accepted.refresh_from_db()
    assert accepted.status == Status.DELIVERED and accepted.delivered_at is not None
    backlog.item_set_status(actor=member, item=item, status="in_progress")
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED and accepted.delivered_at is None
    assert [e[1] for e in events_of(accepted)] == ["accepted", "delivered", "accepted"]


def test_the_service_level_clocks_record_first_response_and_decision(pm, stakeholder, new_request):
    StakeholderRequest.objects.filter(pk=new_request.pk).update(created_at=timezone.now() - timedelta(days=9))
    new_request.refresh_from_db()
    services.comment_add(actor=stakeholder, stakeholder_request=new_request, body="Any news?")
    new_request.refresh_from_db()
    assert new_request.first_response_at is None, "the requester's own comment is no response"
    services.comment_add(actor=pm, stakeholder_request=new_request, body="Looking at it.", internal=True)
    new_request.refresh_from_db()
    assert new_request.first_response_at is None, "an internal note is not a response to the requester"
    services.comment_add(actor=pm, stakeholder_request=new_request, body="Looking at it.")
    new_request.refresh_from_db()
    responded = new_request.first_response_at
    assert responded is not None and new_request.decided_at is None
    services.request_decline(actor=pm, stakeholder_request=new_request, reason="Not now.")
    new_request.refresh_from_db()
    assert new_request.first_response_at == responded, "the first response is kept"
    assert new_request.decided_at >= responded


def test_internal_notes_need_a_team_role(stakeholder, new_request):
    with pytest.raises(ValidationError, match="team"):
        services.comment_add(actor=stakeholder, stakeholder_request=new_request, body="x", internal=True)


def test_votes_are_one_per_person_and_not_for_the_requester(member, stakeholder, new_request):
    services.vote_add(actor=member, stakeholder_request=new_request)
    services.vote_add(actor=member, stakeholder_request=new_request)
    assert new_request.votes.count() == 1
    assert new_request.watchers.filter(user=member).exists(), "a +1 also watches"
    with pytest.raises(ValidationError, match="already counts you"):
        services.vote_add(actor=stakeholder, stakeholder_request=new_request)
    services.vote_remove(actor=member, stakeholder_request=new_request)
    assert new_request.votes.count() == 0
