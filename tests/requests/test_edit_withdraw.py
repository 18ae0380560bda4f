"""The requester edits their request, or withdraws it, until it is decided:
page and API, the requester only, with the version rule; watchers hear of a
withdrawal."""

import pytest
from django.core import mail

from apps.requests import services
from apps.requests.models import StakeholderRequest
from tests.factories import MembershipFactory, UserFactory

Status = StakeholderRequest.Status


def api_url(product, rest=""):
    return f"/api/v1/products/{product.slug}/requests/{rest}"


def page_url(product, request_, rest=""):
    return f"/p/{product.slug}/requests/{request_.number}/{rest}"


FIELDS = {
    "title": "Explain forecast errors better",
    "problem": "Nobody can tell why the forecast was off.",
    "desired_outcome": "Each forecast says what drove it.",
    "urgency": "high",
    "visibility": "public",
}


def test_the_requester_edits_on_the_page_before_triage(browser_client, stakeholder, product, new_request):
    client = browser_client.as_user(stakeholder)
    assert client.get(page_url(product, new_request)).content.decode().count("Edit or withdraw") == 1
    response = client.post(page_url(product, new_request, "edit/"), FIELDS | {"version": new_request.version})
    assert response.status_code == 302
    new_request.refresh_from_db()
    assert (new_request.title, new_request.urgency, new_request.version) == (FIELDS["title"], "high", 2)
    stale = client.post(page_url(product, new_request, "edit/"), FIELDS | {"title": "Stale", "version": 1})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    assert StakeholderRequest.objects.get(pk=new_request.pk).title == FIELDS["title"]


def test_the_requester_edits_through_the_api_with_the_version(api, stakeholder, product, new_request):
    client = api.as_user(stakeholder)
    url = api_url(product, f"{new_request.number}/")
    missing = client.patch(url, {"title": "No version"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    edited = client.patch(url, {"title": "Better title", "version": 1}, format="json")
    assert edited.status_code == 200 and (edited.json()["title"], edited.json()["version"]) == ("Better title", 2)
    assert client.patch(url, {"title": "Stale", "version": 1}, format="json").status_code == 409
    bad = client.patch(url, {"urgency": "whenever", "version": 2}, format="json")
    assert bad.status_code == 400 and "urgency" in bad.json()


@pytest.mark.parametrize("persona", ["pm", "member", "outsider"], indirect=True)
def test_only_the_requester_may_edit_or_withdraw(api, browser_client, persona, product, new_request):
    expected = 404 if persona.username == "outsider" else 403
    client = api.as_user(persona)
    assert (
        client.patch(api_url(product, f"{new_request.number}/"), {"title": "X", "version": 1}).status_code == expected
    )
    assert client.post(api_url(product, f"{new_request.number}/withdraw/"), {"version": 1}).status_code == expected
    pages = browser_client.as_user(persona)
    assert pages.get(page_url(product, new_request, "edit/")).status_code == expected
    assert pages.post(page_url(product, new_request, "withdraw/"), {"version": 1}).status_code == expected
    new_request.refresh_from_db()
    assert (new_request.title, new_request.status) == ("Explain forecast errors", Status.NEW)


def test_a_decided_request_can_no_longer_be_edited_or_withdrawn(api, stakeholder, pm, product, new_request):
    services.request_decline(actor=pm, stakeholder_request=new_request, reason="Out of scope", expected_version=1)
    client = api.as_user(stakeholder)
    edit = client.patch(api_url(product, f"{new_request.number}/"), {"title": "X", "version": 2}, format="json")
    assert edit.status_code == 400 and "until it is decided" in str(edit.json())
    withdraw = client.post(api_url(product, f"{new_request.number}/withdraw/"), {"version": 2}, format="json")
    assert withdraw.status_code == 400
    new_request.refresh_from_db()
    assert new_request.status == Status.DECLINED


def test_withdrawing_tells_the_watchers_and_leaves_the_inbox(
    browser_client, api, stakeholder, pm, product, new_request, django_capture_on_commit_callbacks
):
    watcher = UserFactory(email="watcher@example.com")
    MembershipFactory(product=product, user=watcher, role="stakeholder")
    services.vote_add(actor=watcher, stakeholder_request=new_request)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_client.as_user(stakeholder).post(
            page_url(product, new_request, "withdraw/"), {"version": 1, "reason": "Solved by the new dashboard"}
        )
    assert response.status_code == 302
    new_request.refresh_from_db()
    assert (new_request.status, new_request.version) == (Status.WITHDRAWN, 2)
    assert [m.to for m in mail.outbox] == [["watcher@example.com"]]
    assert "withdrawn" in mail.outbox[0].subject
    inbox = api.as_user(pm).get("/api/v1/requests/inbox/").json()["results"]
    assert new_request.number not in [row["number"] for row in inbox]


def test_withdrawing_through_the_api_needs_the_current_version(api, stakeholder, product, new_request):
    client = api.as_user(stakeholder)
    url = api_url(product, f"{new_request.number}/withdraw/")
    assert client.post(url, {}, format="json").status_code == 400
    assert client.post(url, {"version": 7}, format="json").status_code == 409
    response = client.post(url, {"version": 1}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
