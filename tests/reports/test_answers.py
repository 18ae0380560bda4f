"""Answering through a personal link: once, anonymously, while the round is
open; forged, expired and used links get a clear page. The link's token is
random, stored only as a hash, and used in one request: it puts the invitation
in the session and redirects to the round's token-less answer page."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from pytest_django.asserts import assertContains

from apps.core.models import SealedBallot
from apps.reports import links, services
from apps.reports.models import InvitationLink, SurveyAnswer
from tests.reports.conftest import answer

GOOD_ANSWER = {
    "happiness": "4",
    "recommend": "9",
    "capability_0": "5",
    "capability_1": "",
    "liked": "The feature store is fast",
    "improve": "More docs please",
}
ANSWER_PAGE = "/p/recommender/reports/answer/"


def link_of(invitation):
    """A fresh personal link, as an email carries it (without the host)."""
    url = links.new_invitation_url(invitation, invitation.round.survey.product.slug)
    return url.removeprefix(settings.PORTAL_BASE_URL)


def opened(client, invitation):
    """Open the personal link: the client lands on the token-less answer page."""
    response = client.get(link_of(invitation))
    assert response.status_code == 302 and response.url == ANSWER_PAGE
    return client


@pytest.fixture
def invitation(open_round):
    return open_round.invitations.order_by("pk").first()


def test_the_link_shows_the_survey_without_signing_in(client, invitation):
    response = client.get(link_of(invitation), follow=True)
    assert response.redirect_chain == [(ANSWER_PAGE, 302)]
    assertContains(response, "Quarterly happiness")
    assertContains(response, "Feature store: how satisfied are you?")
    assertContains(response, "anonymous")


def test_the_token_is_in_one_request_only_and_its_redirect_sends_no_referrer(client, invitation):
    path = link_of(invitation)
    response = client.get(path)
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get(response.url)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert token not in page.content.decode()
    assert client.post(ANSWER_PAGE, GOOD_ANSWER).status_code == 302


def test_a_link_is_an_opaque_random_token_stored_only_as_its_hash(invitation):
    token = link_of(invitation).rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40  # 32 random bytes: nothing in it to decode
    stored = InvitationLink.objects.get(token_hash=links.token_hash(token))
    assert stored.invitation == invitation and stored.token_hash != token
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        dump = ""
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            dump += repr(cursor.fetchall())
    assert token not in dump


def test_each_email_gets_its_own_link_and_all_of_them_work(client, invitation):
    first, second = link_of(invitation), link_of(invitation)
    assert first != second
    for path in (first, second):
        assert client.get(path).url == ANSWER_PAGE
        assert client.get(ANSWER_PAGE).status_code == 200


def test_a_signed_link_of_the_old_kind_no_longer_opens_anything(client, invitation):
    old = signing.dumps({"invitation": invitation.pk, "round": invitation.round_id}, salt="reports.invitation")
    response = client.get(f"/p/recommender/reports/answer/{old}/", follow=True)
    assertContains(response, "This link is not valid", status_code=400)


def test_answering_seals_the_answer_and_marks_the_invitation(client, invitation):
    response = opened(client, invitation).post(ANSWER_PAGE, GOOD_ANSWER)
    assert response.status_code == 302 and response.url.endswith("/reports/thanks/")
    assert not SurveyAnswer.objects.exists(), "nothing is readable while the round is open"
    assert SealedBallot.objects.filter(box=services.ballot_box(invitation.round)).count() == 1
    invitation.refresh_from_db()
    assert invitation.answered is True


def test_answering_stores_an_anonymous_response_once_the_round_closes(
    client, open_round, django_capture_on_commit_callbacks
):
    invitations = list(open_round.invitations.filter(group="team").order_by("pk"))[:5]
    for invitation in invitations:
        opened(client, invitation).post(ANSWER_PAGE, GOOD_ANSWER)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(round_=open_round)
    stored = SurveyAnswer.objects.filter(round=open_round)
    assert stored.count() == 5
    first = stored.first()
    assert (first.happiness, first.recommend) == (4, 9)
    assert first.capabilities == {"Feature store": 5}
    assert (first.liked, first.improve) == ("The feature store is fast", "More docs please")
    assert not SealedBallot.objects.exists()


def test_a_person_answers_a_round_only_once(client, invitation):
    opened(client, invitation).post(ANSWER_PAGE, GOOD_ANSWER)
    again = client.get(link_of(invitation), follow=True)
    assertContains(again, "You have already answered", status_code=409)
    assert again.redirect_chain == [(ANSWER_PAGE, 302)]
    assertContains(client.post(ANSWER_PAGE, GOOD_ANSWER), "not valid", status_code=400)
    assert SealedBallot.objects.count() == 1
    with pytest.raises(ValidationError, match="already answered"):
        answer(invitation)
    assert SealedBallot.objects.count() == 1


def test_a_forged_link_is_refused_with_a_clear_page(client, invitation):
    token = link_of(invitation).rstrip("/").rsplit("/", 1)[1]
    slug = invitation.round.survey.product.slug
    for bad in (token[:-3] + "abc", "not-a-token", token.upper(), "x" * 500):
        response = client.get(f"/p/{slug}/reports/answer/{bad}/", follow=True)
        assertContains(response, "This link is not valid", status_code=400)
        assert client.post(ANSWER_PAGE, GOOD_ANSWER).status_code == 400
    assert not SealedBallot.objects.exists()


def test_the_answer_page_without_a_link_is_refused(client, invitation):
    assertContains(client.get(ANSWER_PAGE), "This link is not valid", status_code=400)


def test_a_link_for_another_product_is_refused(client, invitation, other_product):
    token = link_of(invitation).rstrip("/").rsplit("/", 1)[1]
    response = client.get(f"/p/{other_product.slug}/reports/answer/{token}/", follow=True)
    assertContains(response, "not valid", status_code=400)


def test_a_link_expires_when_its_round_closes(client, invitation, django_capture_on_commit_callbacks):
    opened(client, invitation)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(round_=invitation.round)
    response = client.post(ANSWER_PAGE, GOOD_ANSWER)
    assertContains(response, "This survey has closed", status_code=410)
    assert not SealedBallot.objects.exists() and not SurveyAnswer.objects.exists()


def test_a_link_expires_at_the_closing_time_even_before_the_sweep_closes_the_round(client, invitation):
    path = link_of(invitation)
    invitation.round.closes_at = timezone.now() - timedelta(seconds=1)
    invitation.round.save()
    assertContains(client.get(path, follow=True), "This survey has closed", status_code=410)
    with pytest.raises(ValidationError, match="closed"):
        answer(invitation)


def test_no_log_line_carries_the_token(client, invitation, caplog, django_capture_on_commit_callbacks):
    """A log reader sees the answer page's address, never the personal token:
    refusals (logged by Django as 4xx with their path) happen at the token-less page."""
    caplog.set_level(logging.DEBUG)
    path = link_of(invitation)
    token = path.rstrip("/").rsplit("/", 1)[1]
    client.get(path, follow=True)
    client.post(ANSWER_PAGE, GOOD_ANSWER | {"happiness": "9"})
    client.post(ANSWER_PAGE, GOOD_ANSWER)
    client.get(path, follow=True)  # already answered: 409
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(round_=invitation.round)
    client.get(path, follow=True)  # closed: 410
    client.get(path[:-5] + "xx/", follow=True)  # refused: 400
    assert caplog.records, "Django logs the refusals"
    assert not [r for r in caplog.records if token in r.getMessage() or token[:-3] in r.getMessage()]


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
    response = opened(client, invitation).post(ANSWER_PAGE, GOOD_ANSWER | change)
    assertContains(response, error, status_code=400)
    assert not SealedBallot.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered is False


@pytest.mark.parametrize(
    "capabilities",
    [{"Unknown": 3}, {"Feature store": 0}, {"Feature store": "5"}],
)
def test_the_service_refuses_capabilities_the_survey_does_not_ask_or_bad_scores(invitation, capabilities):
    with pytest.raises(ValidationError):
        answer(invitation, capabilities=capabilities)
    assert not SealedBallot.objects.exists()


def test_the_service_refuses_out_of_range_scores(invitation):
    with pytest.raises(ValidationError):
        answer(invitation, happiness=0)
    with pytest.raises(ValidationError):
        answer(invitation, recommend=11)
    assert not SealedBallot.objects.exists()
