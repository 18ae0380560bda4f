"""The reports API: surveys, rounds, report snapshots and subscriptions."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.reports import services
from apps.reports.models import HappinessReport, ReportSubscription, Survey, SurveyRound
from tests.reports.conftest import answer_round, make_survey
from tests.utils import queries_of

API = "/api/v1/products/recommender/"
TEAM = ["pm", "scrum_master", "member"]


def new_survey(**changes):
    return {
        "title": "API pulse",
        "audience": "team",
        "capabilities": ["Model registry"],
        "every_weeks": 6,
        "first_opening": (timezone.now() + timedelta(days=1)).isoformat(),
    } | changes


@pytest.mark.parametrize("persona", TEAM, indirect=True)
def test_the_team_lists_surveys_rounds_and_reports(api, persona, closed_round):
    client = api.as_user(persona)
    surveys = client.get(API + "surveys/").json()["results"]
    assert [(s["title"], s["every_weeks"], s["schedule"]) for s in surveys] == [
        ("Quarterly happiness", 8, "every 8 weeks")
    ]
    rounds = client.get(API + "survey-rounds/").json()["results"]
    assert [(r["number"], r["status"], r["invited_count"], r["response_count"], r["has_report"]) for r in rounds] == [
        (1, "closed", 11, 6, True)
    ]
    reports = client.get(API + "happiness-reports/").json()["results"]
    assert [(r["round_number"], r["happiness_mean"], r["nps"], r["response_rate"]) for r in reports] == [
        (1, 3.83, 33.3, 54.5)
    ]


def test_stakeholders_get_403_and_outsiders_404(api, stakeholder, outsider, closed_round):
    report = closed_round.report
    urls = ["surveys/", "survey-rounds/", "happiness-reports/", f"happiness-reports/{report.pk}/"]
    urls.append("happiness-subscription/")
    for url in urls:
        assert api.as_user(stakeholder).get(API + url).status_code == 403, url
        assert api.as_user(outsider).get(API + url).status_code == 404, url


def test_pm_creates_a_survey_with_its_schedule(api, pm, product):
    response = api.as_user(pm).post(API + "surveys/", new_survey(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["every_weeks"], body["scheduled"], body["capabilities"]) == (6, True, ["Model registry"])
    survey = Survey.objects.get(pk=body["id"])
    assert PeriodicTask.objects.get(pk=survey.schedule_id).interval.every == 42


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"every_weeks": 0}, "every_weeks"),
        ({"first_opening": "tomorrow"}, "first_opening"),
        ({"audience": "everybody"}, "audience"),
        ({"open_days": 50}, "open_days"),
        ({"min_responses": 2}, "min_responses"),
        ({"capabilities": "Docs"}, "capabilities"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_survey_input_is_a_400_naming_the_field(api, pm, product, changes, field):
    response = api.as_user(pm).post(API + "surveys/", new_survey(**changes), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Survey.objects.exists()


@pytest.mark.parametrize("persona", ["scrum_master", "member"], indirect=True)
def test_only_the_pm_writes(api, persona, survey, closed_round):
    client = api.as_user(persona)
    assert client.post(API + "surveys/", new_survey(), format="json").status_code == 403
    assert client.patch(f"{API}surveys/{survey.pk}/", {"title": "x", "version": 1}, format="json").status_code == 403
    assert client.post(f"{API}surveys/{survey.pk}/open-round/").status_code == 403
    assert client.post(f"{API}survey-rounds/{closed_round.pk}/close/").status_code == 403
    assert client.post(f"{API}happiness-reports/{closed_round.report.pk}/rebuild/").status_code == 403
    actions = {"note": "x", "items": [], "actions_version": 1}
    assert (
        client.put(f"{API}happiness-reports/{closed_round.report.pk}/actions/", actions, format="json").status_code
        == 403
    )
    assert Survey.objects.get().title == "Quarterly happiness"


def test_pm_changes_the_cadence_and_a_stale_version_is_a_409(api, pm, survey):
    client = api.as_user(pm)
    changed = client.patch(f"{API}surveys/{survey.pk}/", {"every_weeks": 12, "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["every_weeks"] == 12
    stale = client.patch(f"{API}surveys/{survey.pk}/", {"every_weeks": 2, "version": 1}, format="json")
    assert stale.status_code == 409
    missing = client.patch(f"{API}surveys/{survey.pk}/", {"every_weeks": 2}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    assert PeriodicTask.objects.get(pk=survey.schedule_id).interval.every == 84


def test_pm_opens_a_round_once_and_closes_it(api, pm, survey, crowd, django_capture_on_commit_callbacks):
    client = api.as_user(pm)
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.post(f"{API}surveys/{survey.pk}/open-round/")
        again = client.post(f"{API}surveys/{survey.pk}/open-round/")
    assert opened.status_code == 201 and opened.json()["invited_count"] == 11
    assert again.status_code == 409
    round_id = opened.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        closed = client.post(f"{API}survey-rounds/{round_id}/close/")
        twice = client.post(f"{API}survey-rounds/{round_id}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert twice.status_code == 409
    assert HappinessReport.objects.filter(round_id=round_id).count() == 1


def test_rounds_filter_by_status_and_survey(api, pm, closed_round, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(survey=closed_round.survey)
    client = api.as_user(pm)
    assert [r["status"] for r in client.get(API + "survey-rounds/?status=open").json()["results"]] == ["open"]
    other = make_survey(closed_round.survey.product, pm, title="Other")
    assert client.get(f"{API}survey-rounds/?survey={other.pk}").json()["count"] == 0
    assert client.get(API + "survey-rounds/?status=ajar").status_code == 400


def test_the_report_detail_has_the_snapshot_and_the_plan(api, pm, closed_round):
    from apps.backlog import services as backlog

    backlog.item_create(actor=pm, product=closed_round.survey.product, title="Docs sprint")
    client = api.as_user(pm)
    url = f"{API}happiness-reports/{closed_round.report.pk}/"
    saved = client.put(url + "actions/", {"note": "Docs first", "items": [1], "actions_version": 1}, format="json")
    assert saved.status_code == 200
    body = client.get(url).json()
    assert body["figures"]["overall"]["nps"]["score"] == 33.3
    assert body["figures"]["capabilities"][1]["name"] == "Documentation"
    assert (body["action_note"], body["action_items"], body["actions_version"]) == (
        "Docs first",
        [{"number": 1, "title": "Docs sprint", "status": "new"}],
        2,
    )
    stale = client.put(url + "actions/", {"note": "x", "items": [], "actions_version": 1}, format="json")
    assert stale.status_code == 409
    unknown = client.put(url + "actions/", {"note": "x", "items": [42], "actions_version": 2}, format="json")
    assert unknown.status_code == 400 and "No backlog item #42" in unknown.json()["items"][0]
    bad = client.put(url + "actions/", {"note": "x", "items": ["one"], "actions_version": 2}, format="json")
    assert bad.status_code == 400 and "items" in bad.json()


def test_pm_asks_for_a_rebuild(api, pm, closed_round, django_capture_on_commit_callbacks):
    HappinessReport.objects.filter(round=closed_round).update(figures={})
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(pm).post(f"{API}happiness-reports/{closed_round.report.pk}/rebuild/")
    assert response.status_code == 202
    assert HappinessReport.objects.get(round=closed_round).figures["responses"] == 6


@pytest.mark.parametrize("persona", TEAM, indirect=True)
def test_the_team_subscribes_through_the_api(api, persona, product):
    client = api.as_user(persona)
    assert client.get(API + "happiness-subscription/").json() == {"subscribed": False}
    assert client.put(API + "happiness-subscription/", {"subscribed": True}, format="json").json() == {
        "subscribed": True
    }
    assert ReportSubscription.objects.filter(person=persona).exists()
    bad = client.put(API + "happiness-subscription/", {"subscribed": "perhaps"}, format="json")
    assert bad.status_code == 400 and "subscribed" in bad.json()


def test_stakeholders_cannot_subscribe_through_the_api(api, stakeholder, product):
    response = api.as_user(stakeholder).put(API + "happiness-subscription/", {"subscribed": True}, format="json")
    assert response.status_code == 403
    assert not ReportSubscription.objects.exists()


def test_schema_documents_the_endpoints(api, pm):
    paths = api.as_user(pm).get("/api/schema/?format=json").json()["paths"]
    for path in [
        "/api/v1/products/{product_slug}/surveys/",
        "/api/v1/products/{product_slug}/surveys/{id}/open-round/",
        "/api/v1/products/{product_slug}/survey-rounds/{id}/close/",
        "/api/v1/products/{product_slug}/happiness-reports/{id}/",
        "/api/v1/products/{product_slug}/happiness-reports/{id}/actions/",
        "/api/v1/products/{product_slug}/happiness-subscription/",
    ]:
        assert path in paths, path


def test_list_queries_do_not_grow_with_rounds(
    api, pm, survey, crowd, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = api.as_user(pm)

    def add_closed_round():
        with django_capture_on_commit_callbacks(execute=True):
            round_ = services.round_open(survey=survey)
        answer_round(round_, [(4, 9)] * 5)
        with django_capture_on_commit_callbacks(execute=True):
            services.round_close(round_=round_)

    add_closed_round()
    counts = {
        url: queries_of(lambda url=url: client.get(API + url)) for url in ("survey-rounds/", "happiness-reports/")
    }
    for index in range(3):
        add_closed_round()
        make_survey(survey.product, pm, title=f"More {index}")
    for url, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(API + url).json()["count"] == 4
    with_one = queries_of(lambda: client.get(API + "surveys/"))
    make_survey(survey.product, pm, title="And one more")
    with django_assert_num_queries(with_one):
        assert client.get(API + "surveys/").json()["count"] == 5
    assert SurveyRound.objects.count() == 4


@pytest.mark.parametrize("endpoint", ["survey-rounds", "happiness-reports"])
def test_a_survey_number_too_large_for_the_database_filters_to_nothing(api, pm, closed_round, endpoint):
    response = api.as_user(pm).get(f"{API}{endpoint}/?survey={10**25}")
    assert response.status_code == 200 and response.json()["count"] == 0


def test_action_item_numbers_too_large_for_the_database_are_a_400(api, pm, closed_round):
    url = f"{API}happiness-reports/{closed_round.report.pk}/actions/"
    response = api.as_user(pm).put(url, {"note": "x", "items": [10**25], "actions_version": 1}, format="json")
    assert response.status_code == 400 and "items" in response.json()


def test_ids_of_other_products_or_that_are_no_ids_are_404(api, pm, closed_round, other_product):
    from apps.accounts.models import Membership, Role

    Membership.objects.create(product=other_product, user=pm, role=Role.PRODUCT_MANAGER)
    client = api.as_user(pm)
    other = f"/api/v1/products/{other_product.slug}/"
    report = closed_round.report
    for bad in ("abc", "²", str(10**25)):
        for url in (f"surveys/{bad}/", f"survey-rounds/{bad}/", f"happiness-reports/{bad}/"):
            assert client.get(API + url).status_code == 404, url
    assert client.get(f"{other}surveys/{closed_round.survey_id}/").status_code == 404
    assert client.get(f"{other}survey-rounds/{closed_round.pk}/").status_code == 404
    assert client.get(f"{other}happiness-reports/{report.pk}/").status_code == 404
    assert client.post(f"{other}survey-rounds/{closed_round.pk}/close/").status_code == 404
    assert client.post(f"{other}happiness-reports/{report.pk}/rebuild/").status_code == 404
    actions = {"note": "x", "items": [], "actions_version": 1}
    assert client.put(f"{other}happiness-reports/{report.pk}/actions/", actions, format="json").status_code == 404
    report.refresh_from_db()
    assert report.action_note == ""


def test_the_detail_endpoints_answer_with_what_the_lists_show(api, member, closed_round):
    client = api.as_user(member)
    survey = client.get(f"{API}surveys/{closed_round.survey_id}/").json()
    assert (survey["title"], survey["schedule"]) == ("Quarterly happiness", "every 8 weeks")
    round_ = client.get(f"{API}survey-rounds/{closed_round.pk}/").json()
    assert (round_["response_count"], round_["has_report"]) == (6, True)
