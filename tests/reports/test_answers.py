"""Answering through a personal link: once, anonymously, while the round is
open; forged, expired and used links get a clear page."""

from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.asserts import assertContains

from apps.reports import links, services
from apps.reports.models import SurveyAnswer
from tests.reports.conftest import answer

GOOD_ANSWER = {
    "happiness": "4",
    "recommend": "9",
    "capability_0": "5",
    "capability_1": "",
    "liked": "The feature store is fast",
    "improve": "More docs please",
}


def link_of(invitation):
    return links.invitation_path(invitation, invitation.round.survey.product.slug)


@pytest.fixture
def invitation(open_round):
    return open_round.invitations.order_by("pk").first()


def test_the_link_shows_the_survey_without_signing_in(client, invitation):
    response = client.get(link_of(invitation))
    assertContains(response, "Quarterly happiness")
    assertContains(response, "Feature store: how satisfied are you?")
    assertContains(response, "anonymous")
    assert response["Referrer-Policy"] == "same-origin"


def test_answering_stores_an_anonymous_response_and_marks_the_invitation(client, invitation):
    response = client.post(link_of(invitation), GOOD_ANSWER)
    assert response.status_code == 302 and response.url.endswith("/reports/thanks/")
    stored = SurveyAnswer.objects.get()
    assert (stored.happiness, stored.recommend, stored.group) == (4, 9, invitation.group)
    assert stored.capabilities == {"Feature store": 5}
    assert (stored.liked, stored.improve) == ("The feature store is fast", "More docs please")
    invitation.refresh_from_db()
    assert invitation.answered is True


def test_a_person_answers_a_round_only_once(client, invitation):
    client.post(link_of(invitation), GOOD_ANSWER)
    again = client.post(link_of(invitation), GOOD_ANSWER)
    assertContains(again, "You have already answered", status_code=409)
    assert SurveyAnswer.objects.count() == 1
    with pytest.raises(ValidationError, match="already answered"):
        answer(invitation)
    assert SurveyAnswer.objects.count() == 1


def test_a_forged_link_is_refused_with_a_clear_page(client, invitation):
    token = links.invitation_token(invitation)
    forged = signing.dumps({"invitation": invitation.pk + 1, "round": invitation.round_id}, salt="wrong-salt")
    slug = invitation.round.survey.product.slug
    for bad in (token[:-3] + "abc", forged, "not-a-token", token.upper()):
        response = client.get(f"/p/{slug}/reports/answer/{bad}/")
        assertContains(response, "This link is not valid", status_code=400)
        assert client.post(f"/p/{slug}/reports/answer/{bad}/", GOOD_ANSWER).status_code == 400
    assert not SurveyAnswer.objects.exists()


def test_a_link_for_another_product_is_refused(client, invitation, other_product):
    token = links.invitation_token(invitation)
    assertContains(client.get(f"/p/{other_product.slug}/reports/answer/{token}/"), "not valid", status_code=400)


def test_a_link_expires_when_its_round_closes(client, invitation, django_capture_on_commit_callbacks):
    path = link_of(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(round_=invitation.round)
    response = client.post(path, GOOD_ANSWER)
    assertContains(response, "This survey has closed", status_code=410)
    assert not SurveyAnswer.objects.exists()


def test_a_link_expires_at_the_closing_time_even_before_the_sweep_closes_the_round(client, invitation):
    invitation.round.closes_at = timezone.now() - timedelta(seconds=1)
    invitation.round.save()
    assertContains(client.get(link_of(invitation)), "This survey has closed", status_code=410)
    with pytest.raises(ValidationError, match="closed"):
        answer(invitation)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"happiness": "6"}, "Select a valid choice"),
        ({"happiness": ""}, "This field is required"),
        ({"recommend": "eleven"}, "Select a valid choice"),
        ({"capability_0": "9"}, "Select a valid choice"),
        ({"improve": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_is_stored(client, invitation, change, error):
    response = client.post(link_of(invitation), GOOD_ANSWER | change)
    assertContains(response, error, status_code=400)
    assert not SurveyAnswer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered is False


@pytest.mark.parametrize(
    "capabilities",
    [{"Unknown": 3}, {"Feature store": 0}, {"Feature store": "5"}],
)
def test_the_service_refuses_capabilities_the_survey_does_not_ask_or_bad_scores(invitation, capabilities):
    with pytest.raises(ValidationError):
        answer(invitation, capabilities=capabilities)
    assert not SurveyAnswer.objects.exists()


def test_the_service_refuses_out_of_range_scores(invitation):
    with pytest.raises(ValidationError):
        answer(invitation, happiness=0)
    with pytest.raises(ValidationError):
        answer(invitation, recommend=11)
    assert not SurveyAnswer.objects.exists()
