"""Nobody can link an answer to a person: not through the models, the admin
or the API."""

import re
import uuid

import pytest
from django.db import models

from apps.reports.models import HappinessReport, Invitation, SurveyAnswer, SurveyRound
from tests.factories import UserFactory
from tests.reports.conftest import answer_round


def test_a_response_holds_no_reference_to_a_person_or_an_invitation():
    fields = {f.name: f for f in SurveyAnswer._meta.get_fields()}
    assert set(fields) == {"id", "round", "group", "happiness", "recommend", "capabilities", "liked", "improve"}
    relations = [f for f in fields.values() if f.is_relation]
    assert [(f.name, f.related_model) for f in relations] == [("round", SurveyRound)]


def test_a_response_has_a_random_key_and_no_time_of_its_own():
    assert isinstance(SurveyAnswer._meta.pk, models.UUIDField)
    time_fields = (models.DateField, models.DateTimeField, models.TimeField, models.AutoField, models.BigAutoField)
    assert not [f.name for f in SurveyAnswer._meta.concrete_fields if isinstance(f, time_fields)]


def test_an_invitation_records_only_whether_someone_answered():
    fields = {f.name for f in Invitation._meta.concrete_fields}
    assert fields == {"id", "round", "person", "group", "sent", "reminded", "answered"}
    assert not any(f.related_model is SurveyAnswer for f in Invitation._meta.get_fields() if f.is_relation)


def test_stored_responses_have_random_version_4_keys(open_round):
    answer_round(open_round, [(4, 9)] * 5)
    keys = list(SurveyAnswer.objects.values_list("id", flat=True))
    assert len(keys) == 5 and all(isinstance(k, uuid.UUID) and k.version == 4 for k in keys)


@pytest.fixture
def admin_client_(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_shows_answers_without_people_and_people_without_answers(admin_client_, open_round):
    answer_round(open_round, [(4, 9)] * 5, improve="Nobody should know I wrote this")
    invitees = list(open_round.invitations.select_related("person"))
    response = SurveyAnswer.objects.first()

    pages = {
        "responses": admin_client_.get("/admin/reports/surveyanswer/").content.decode(),
        "response": admin_client_.get(f"/admin/reports/surveyanswer/{response.pk}/change/").content.decode(),
    }
    assert "Nobody should know I wrote this" in pages["response"]
    for html in pages.values():
        for invitation in invitees:
            assert not _names(invitation.person) & _words(html), invitation.person

    invitation_pages = admin_client_.get("/admin/reports/invitation/").content.decode()
    invitation_pages += admin_client_.get(f"/admin/reports/invitation/{invitees[0].pk}/change/").content.decode()
    assert str(invitees[0].person) in invitation_pages
    assert "Nobody should know" not in invitation_pages
    assert not [r for r in SurveyAnswer.objects.values_list("pk", flat=True) if str(r) in invitation_pages]


def test_the_admin_cannot_add_or_change_responses(admin_client_, open_round):
    answer_round(open_round, [(4, 9)])
    response = SurveyAnswer.objects.get()
    assert admin_client_.get("/admin/reports/surveyanswer/add/").status_code == 403
    admin_client_.post(f"/admin/reports/surveyanswer/{response.pk}/change/", {"happiness": 1})
    response.refresh_from_db()
    assert response.happiness == 4


def test_the_api_has_no_endpoint_for_answers_or_who_answered(api, pm):
    paths = api.as_user(pm).get("/api/schema/?format=json").json()["paths"]
    mine = [p for p in paths if "survey" in p or "happiness" in p]
    assert mine, "the reports endpoints are in the schema"
    assert not [p for p in paths if "response" in p or "invitation" in p]


def test_the_report_in_the_api_contains_figures_and_quotes_but_no_person(api, pm, closed_round):
    report = HappinessReport.objects.get(round=closed_round)
    body = api.as_user(pm).get(f"/api/v1/products/recommender/happiness-reports/{report.pk}/").content.decode()
    assert '"happiness"' in body
    for invitation in closed_round.invitations.select_related("person"):
        assert not _names(invitation.person) & _words(body), invitation.person
    assert "person" not in body


def _names(person) -> set[str]:
    return {person.username, person.email, person.get_full_name()}


def _words(text: str) -> set[str]:
    """Every run of characters between markup or JSON punctuation, so a
    username is found as a whole and not inside "Memberships"."""
    return {part.strip() for part in re.split(r'[<>"\n]', text) if part.strip()}
