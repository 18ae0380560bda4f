"""The way in (apps.requests.access): one rule for who reads a request, as a
list filter and per object, and doors that answer 404 or 403, never a 500."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from pytest_django.asserts import assertContains

from apps.accounts.permissions import role_in
from apps.products.access import get_product
from apps.requests import access, services
from apps.requests.models import StakeholderRequest, Watcher
from tests.factories import MembershipFactory, StakeholderRequestFactory, UserFactory

NOT_IDS = ["²", "abc", "", None, "-1", "99999999999999999999"]


@pytest.fixture
def requests_of_everyone(product, stakeholder):
    """Own and others' requests, public and private, and one of another product."""
    other = MembershipFactory(product=product, role="stakeholder").user
    return [
        StakeholderRequestFactory(product=product, requester=stakeholder, visibility="public"),
        StakeholderRequestFactory(product=product, requester=stakeholder, visibility="private"),
        StakeholderRequestFactory(product=product, requester=other, visibility="public"),
        StakeholderRequestFactory(product=product, requester=other, visibility="private"),
        StakeholderRequestFactory(product=product, requester=None, visibility="private"),
    ]


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member", "stakeholder", "outsider"], indirect=True)
def test_the_list_filter_and_the_per_object_check_are_one_rule(persona, product, requests_of_everyone):
    role = role_in(persona, product)
    listed = set(access.visible_requests(persona, product))
    for stakeholder_request in requests_of_everyone:
        readable = access.may_read(stakeholder_request, user_id=persona.pk, role=role)
        assert readable == (stakeholder_request in listed), (persona.username, stakeholder_request.visibility)
        if readable:
            assert access.access_request(persona, product, stakeholder_request.number) == stakeholder_request
        else:
            with pytest.raises(Http404):
                access.access_request(persona, product, stakeholder_request.number)


def test_what_each_persona_reads(pm, member, stakeholder, outsider, product, requests_of_everyone):
    def titles(user):
        return {r.pk for r in access.visible_requests(user, product)}

    everything = {r.pk for r in requests_of_everyone}
    assert titles(pm) == titles(member) == everything
    own_public, own_private, others_public, _, _ = requests_of_everyone
    assert titles(stakeholder) == {own_public.pk, own_private.pk, others_public.pk}
    assert titles(outsider) == set()


def test_my_requests_and_the_inbox_follow_the_same_rule(pm, stakeholder, product, requests_of_everyone):
    _, _, others_public, others_private, _ = requests_of_everyone
    for stakeholder_request in (others_public, others_private):
        Watcher.objects.create(request=stakeholder_request, user=stakeholder)  # e.g. from a past role
    followed = set(access.followed_requests(stakeholder))
    assert followed == {r for r in requests_of_everyone if r.requester == stakeholder} | {others_public}
    assert set(access.inbox_requests(pm)) == set(requests_of_everyone)
    assert not access.inbox_requests(stakeholder).exists()


@pytest.mark.parametrize("number", NOT_IDS)
def test_a_number_that_cannot_be_one_is_not_found(pm, product, new_request, number):
    with pytest.raises(Http404):
        access.access_request(pm, product, number)


def test_a_request_of_another_product_is_not_found_under_this_one(pm, product, other_product):
    elsewhere = StakeholderRequestFactory(product=other_product, number=41)
    with pytest.raises(Http404):
        access.access_request(pm, product, elsewhere.number)


def test_a_reader_without_the_right_gets_403_and_a_stranger_404(
    stakeholder, product, new_request, requests_of_everyone
):
    from apps.accounts.permissions import Action

    with pytest.raises(PermissionDenied):
        access.access_request(stakeholder, product, new_request.number, Action.TRIAGE_REQUESTS)
    with pytest.raises(PermissionDenied):
        access.access_comments(stakeholder, product, new_request.number, internal=True)
    others_private = requests_of_everyone[3]
    with pytest.raises(Http404):
        access.access_request(stakeholder, product, others_private.number, Action.TRIAGE_REQUESTS)


def test_the_request_comes_as_the_person_sees_it(member, product, new_request):
    services.vote_add(actor=member, stakeholder_request=new_request)
    product = get_product(member, product.slug)
    seen = access.access_request(member, product, new_request.number)
    assert (seen.vote_count, seen.has_voted, seen.is_watching) == (1, True, True)
    assert seen.product is product, "the product keeps the viewer's role for templates"


def test_the_inbox_door_is_for_leads(pm, scrum_master, member, stakeholder):
    access.require_inbox(pm)
    access.require_inbox(scrum_master)
    for person in (member, stakeholder):
        with pytest.raises(PermissionDenied):
            access.require_inbox(person)


@pytest.fixture
def attachment(submit, stakeholder, media_root):
    stakeholder_request = submit(stakeholder, attachments=[SimpleUploadedFile("notes.txt", b"hello")])
    return stakeholder_request.attachments.get()


def test_files_are_the_requesters_and_the_teams(stakeholder, member, product, attachment):
    number = attachment.request.number
    for person in (stakeholder, member):
        assert access.access_attachment(person, product, number, attachment.pk) == attachment
    reader = MembershipFactory(product=product, role="stakeholder").user
    assert access.may_read(attachment.request, user_id=reader.pk, role=role_in(reader, product))
    with pytest.raises(Http404):
        access.access_attachment(reader, product, number, attachment.pk)
    with pytest.raises(Http404):
        access.access_attachments(reader, product, number)
    with pytest.raises(PermissionDenied):
        access.access_attachments(reader, product, number, adding=True)


@pytest.mark.parametrize("attachment_id", NOT_IDS)
def test_an_attachment_id_that_cannot_be_one_is_not_found(stakeholder, product, attachment, attachment_id):
    with pytest.raises(Http404):
        access.access_attachment(stakeholder, product, attachment.request.number, attachment_id)


def test_a_file_is_only_found_under_its_own_request(stakeholder, product, attachment, submit):
    other = submit(stakeholder, title="Another problem")
    with pytest.raises(Http404):
        access.access_attachment(stakeholder, product, other.number, attachment.pk)


# --- Pages and API: bad ids are 404s, never 500s --------------------------------------


def test_huge_numbers_in_page_urls_are_404(browser_client, stakeholder, product, attachment):
    client = browser_client.as_user(stakeholder)
    huge = "99999999999999999999"
    number = attachment.request.number
    for path in (f"{huge}/", f"{number}/attachments/{huge}/", f"{huge}/attachments/{attachment.pk}/"):
        assert client.get(f"/p/{product.slug}/requests/{path}").status_code == 404, path
    assert client.post(f"/p/{product.slug}/requests/{huge}/vote/").status_code == 404


def test_huge_and_foreign_numbers_in_api_urls_are_404(api, stakeholder, product, new_request):
    client = api.as_user(stakeholder)
    base = f"/api/v1/products/{product.slug}/requests/"
    for path in ("99999999999999999999/", "99999999999999999999/comments/", "99999999999999999999/attachments/"):
        assert client.get(base + path).status_code == 404, path
    assert client.post(base + "99999999999999999999/vote/").status_code == 404


def test_triage_names_that_find_nothing_are_400_not_500(api, pm, product, new_request):
    client = api.as_user(pm)
    base = f"/api/v1/products/{product.slug}/requests/{new_request.number}/"
    response = client.post(base + "merge/", {"into": 99999999999999999999, "version": 1}, format="json")
    assert response.status_code == 400 and "into" in response.json()
    response = client.post(base + "accept/", {"backlog_item": 99999999999999999999, "version": 1}, format="json")
    assert response.status_code == 400 and "backlog_item" in response.json()
    new_request.refresh_from_db()
    assert new_request.status == StakeholderRequest.Status.NEW


def test_a_refused_vote_from_htmx_lands_in_the_page_message_area(browser_client, stakeholder, product, new_request):
    response = browser_client.as_user(stakeholder).post(
        f"/p/{product.slug}/requests/{new_request.number}/vote/", HTTP_HX_REQUEST="true"
    )
    assertContains(response, "already counts you", status_code=400)
    assert response["HX-Retarget"] == "#messages"


def test_a_merge_moves_only_watchers_who_may_read_the_kept_request(pm, product, stakeholder, new_request):
    kept = StakeholderRequestFactory(product=product, requester=stakeholder)
    gone = UserFactory()  # watched, then left the product
    Watcher.objects.create(request=new_request, user=gone)
    services.request_merge(actor=pm, stakeholder_request=new_request, into=kept)
    assert not kept.watchers.filter(user=gone).exists()
