"""Nobody can link an answer to a person: not through the models, the admin
or the API."""

import re
import uuid

import pytest
from django.db import connection, models

from apps.accounts.models import Role
from apps.core.models import SealedBallot
from apps.reports import services
from apps.reports.models import HappinessReport, Invitation, SurveyAnswer, SurveyRound
from tests.factories import UserFactory
from tests.reports.conftest import add_people, answer, answer_round, make_survey


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


def close(round_, capture):
    with capture(execute=True):
        services.round_close(round_=round_)


def test_stored_responses_have_random_version_4_keys(open_round, django_capture_on_commit_callbacks):
    answer_round(open_round, [(4, 9)] * 5)
    close(open_round, django_capture_on_commit_callbacks)
    keys = list(SurveyAnswer.objects.values_list("id", flat=True))
    assert len(keys) == 5 and all(isinstance(k, uuid.UUID) and k.version == 4 for k in keys)


def test_nothing_of_an_open_round_is_readable_and_its_count_moves_in_steps_of_the_minimum(
    api, browser_client, pm, open_round, django_capture_on_commit_callbacks
):
    """The database holds only sealed ballots while the round is open; the team
    sees "fewer than 5", then "at least 5", never the count moving one by one."""
    client = api.as_user(pm)
    invitations = list(open_round.invitations.order_by("pk"))
    seen = []
    for n, invitation in enumerate(invitations[:7], start=1):
        answer(invitation, 4, 9, improve=f"secret {n}")
        assert not SurveyAnswer.objects.exists()
        round_ = client.get(f"/api/v1/products/recommender/survey-rounds/{open_round.pk}/").json()
        seen.append((round_["response_count"], round_["response_count_exact"]))
    assert seen == [(0, False)] * 4 + [(5, False)] * 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_sealedballot")
        assert "secret" not in repr(cursor.fetchall())
    page = browser_client.as_user(pm).get(f"/p/recommender/reports/rounds/{open_round.pk}/").content.decode()
    assert "at least 5 of 11" in page and "7 of 11" not in page
    survey_page = browser_client.get(f"/p/recommender/reports/surveys/{open_round.survey_id}/").content.decode()
    assert "at least 5 of 11" in survey_page
    close(open_round, django_capture_on_commit_callbacks)
    round_ = client.get(f"/api/v1/products/recommender/survey-rounds/{open_round.pk}/").json()
    assert (round_["response_count"], round_["response_count_exact"]) == (7, True)


def test_answers_are_written_at_close_in_an_order_unrelated_to_the_order_given(
    open_round, django_capture_on_commit_callbacks
):
    invitations = list(open_round.invitations.order_by("pk"))
    for n, invitation in enumerate(invitations):
        answer(invitation, 4, 9, liked=f"answer {n:02}")
    given = [f"answer {n:02}" for n in range(len(invitations))]
    close(open_round, django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:  # physical order: SQLite's rowid, PostgreSQL's heap
        cursor.execute("SELECT liked FROM reports_surveyanswer")
        stored = [row[0] for row in cursor.fetchall()]
    assert sorted(stored) == given
    assert stored != given  # 11! orders: a fair shuffle returns the given one with chance 1 in 40 million


def test_a_round_below_the_minimum_keeps_no_answer_but_counts_them(open_round, django_capture_on_commit_callbacks):
    answer_round(open_round, [(4, 9), (2, 3), (5, 10)], improve="only three of us")
    close(open_round, django_capture_on_commit_callbacks)
    assert not SurveyAnswer.objects.exists() and not SealedBallot.objects.exists()
    figures = HappinessReport.objects.get(round=open_round).figures
    assert (figures["responses"], figures["overall"]["enough"]) == (3, False)
    assert "only three" not in str(figures)


def test_a_group_below_the_minimum_leaves_no_answer_with_a_group(open_round, django_capture_on_commit_callbacks):
    """Five team members and one stakeholder answer: a staff user or database
    reader who knows which stakeholder answered cannot pick their answer out."""
    team = list(open_round.invitations.filter(group="team").order_by("pk"))[:5]
    (stakeholder,) = list(open_round.invitations.filter(group="stakeholders").order_by("pk"))[:1]
    for invitation in team:
        answer(invitation, 5, 10)
    answer(stakeholder, 1, 0, improve="I am the only stakeholder who answered")
    close(open_round, django_capture_on_commit_callbacks)
    assert set(SurveyAnswer.objects.values_list("group", flat=True)) == {""}
    groups = HappinessReport.objects.get(round=open_round).figures["groups"]
    assert [(g["key"], g["enough"]) for g in groups] == [("team", False), ("stakeholders", False)]
    assert not [g for g in groups if "responses" in g or "happiness" in g]


def test_groups_are_kept_when_every_group_reaches_the_minimum(product, pm, django_capture_on_commit_callbacks):
    add_people(product, 5, Role.TEAM_MEMBER)
    add_people(product, 5, Role.STAKEHOLDER)
    survey = make_survey(product, pm, min_responses=3)
    with django_capture_on_commit_callbacks(execute=True):
        round_ = services.round_open(survey=survey)
    answer_round(round_, [(4, 9)] * 10)
    close(round_, django_capture_on_commit_callbacks)
    assert set(SurveyAnswer.objects.values_list("group", flat=True)) == {"team", "stakeholders"}


@pytest.fixture
def admin_client_(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_shows_answers_without_people_and_people_without_answers(
    admin_client_, open_round, django_capture_on_commit_callbacks
):
    answer_round(open_round, [(4, 9)] * 5, improve="Nobody should know I wrote this")
    close(open_round, django_capture_on_commit_callbacks)
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


def test_the_admin_cannot_add_or_change_responses(admin_client_, open_round, django_capture_on_commit_callbacks):
    answer_round(open_round, [(4, 9)] * 5)
    close(open_round, django_capture_on_commit_callbacks)
    response = SurveyAnswer.objects.first()
    assert admin_client_.get("/admin/reports/surveyanswer/add/").status_code == 403
    admin_client_.post(f"/admin/reports/surveyanswer/{response.pk}/change/", {"happiness": 1})
    response.refresh_from_db()
    assert response.happiness == 4


def test_the_admin_cannot_split_answers_or_invitations_by_audience_group(
    admin_client_, open_round, django_capture_on_commit_callbacks
):
    """Filtering invitations by round and group, then answers by the same round
    and group, would single out a small group's answer: neither list offers a
    group filter or column, nor accepts one in the address."""
    answer_round(open_round, [(4, 9)] * 8)
    close(open_round, django_capture_on_commit_callbacks)
    answer_ = SurveyAnswer.objects.first()
    answers_page = admin_client_.get("/admin/reports/surveyanswer/").content.decode()
    answer_page = admin_client_.get(f"/admin/reports/surveyanswer/{answer_.pk}/change/").content.decode()
    invitations_page = admin_client_.get("/admin/reports/invitation/").content.decode()
    assert "Stakeholders" not in answers_page and "Team members" not in answers_page
    assert "Stakeholders" not in answer_page and "Team members" not in answer_page
    assert "?group=" not in answers_page and "?group=" not in invitations_page
    for path in (
        f"/admin/reports/surveyanswer/?group=stakeholders&round__id__exact={open_round.pk}",
        "/admin/reports/surveyanswer/?group__exact=team",
        f"/admin/reports/invitation/?group=stakeholders&round__id__exact={open_round.pk}",
    ):
        assert admin_client_.get(path).status_code == 400, path
    assert "sealedballot" not in admin_client_.get("/admin/").content.decode()
    assert "invitationlink" not in admin_client_.get("/admin/").content.decode()


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
