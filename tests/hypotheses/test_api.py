"""The hypotheses API: permissions both ways (through lists, filters and
search), the row rule of published hypotheses, versions, bad input, the
schema and query counts."""

from decimal import Decimal

import pytest

from apps.accounts import services as accounts
from apps.hypotheses import services
from apps.hypotheses.models import Assumption, Experiment, Hypothesis
from tests.factories import ExperimentFactory, HypothesisFactory, StakeholderRequestFactory
from tests.hypotheses.conftest import conclude, publish
from tests.utils import queries_of

BASE = "/api/v1/products/recommender"


@pytest.fixture
def two(state, metric, pm):
    """H-1 concluded and published, H-2 under test."""
    first = services.hypothesis_set_status(actor=pm, hypothesis=state(metric, notes="secret"), status="testing")
    first = publish(pm, conclude(pm, first, learning="Did not work."))
    second = services.hypothesis_set_status(
        actor=pm, hypothesis=state(metric, change="bundling accessories"), status="testing"
    )
    return first, second


def test_stakeholders_list_only_published_hypotheses_in_the_public_shape(api, stakeholder, two):
    body = api.as_user(stakeholder).get(f"{BASE}/hypotheses/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["learning"] == "Did not work."
    assert not {"notes", "observed", "experiment_count", "owner", "confidence_before"} & set(row)


def test_stakeholders_filter_and_search_only_published_ones(api, stakeholder, two):
    client = api.as_user(stakeholder)
    assert client.get(f"{BASE}/hypotheses/?status=testing").json()["count"] == 0
    assert client.get(f"{BASE}/hypotheses/?q=bundling").json()["count"] == 0
    assert client.get(f"{BASE}/hypotheses/?published=false").json()["count"] == 0
    assert client.get(f"{BASE}/hypotheses/2/").status_code == 404
    assert client.get(f"{BASE}/learning-log/").json()["count"] == 1
    assert client.get(f"{BASE}/experiments/").status_code == 403


def test_the_team_lists_and_filters_everything(api, member, two, pm):
    client = api.as_user(member)
    assert client.get(f"{BASE}/hypotheses/").json()["count"] == 2
    assert [h["number"] for h in client.get(f"{BASE}/hypotheses/?status=testing").json()["results"]] == [2]
    assert client.get(f"{BASE}/hypotheses/?q=H-1").json()["count"] == 1
    assert client.get(f"{BASE}/hypotheses/?owner=none").json()["count"] == 2
    assert client.get(f"{BASE}/hypotheses/?published=true").json()["count"] == 1
    metric_id = two[0].metric_id
    assert client.get(f"{BASE}/hypotheses/?metric={metric_id}").json()["count"] == 2
    assert client.get(f"{BASE}/hypotheses/?metric=999999").json()["count"] == 0
    assert client.get(f"{BASE}/hypotheses/1/").json()["notes"] == "secret"


@pytest.mark.parametrize("query", ["status=maybe", "due_after=soon", "metric=x", "due_before=31.02.2026"])
def test_a_bad_filter_is_a_400(api, member, two, query):
    assert api.as_user(member).get(f"{BASE}/hypotheses/?{query}").status_code == 400


def test_outsiders_get_404_for_every_list(api, outsider, two):
    client = api.as_user(outsider)
    for path in ("hypotheses", "experiments", "learning-log", "feasibility", "release-gates", "model-versions"):
        assert client.get(f"{BASE}/{path}/").status_code == 404


def test_the_pm_writes_edits_and_decides_with_versions(api, pm, metric, member):
    client = api.as_user(pm)
    created = client.post(
        f"{BASE}/hypotheses/",
        {
            "change": "re-ranking by recency",
            "audience": "returning shoppers",
            "outcome": "more clicks",
            "metric": metric.pk,
            "baseline": "2",
            "target": "3",
            "owner": member.username,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    url = f"{BASE}/hypotheses/{body['number']}/"
    assert (body["status"], body["owner"], body["version"]) == ("proposed", member.username, 1)
    assert client.patch(url, {"confidence_before": 70}, format="json").status_code == 400  # no version
    assert client.patch(url, {"confidence_before": 70, "version": 1}, format="json").json()["version"] == 2
    assert client.patch(url, {"confidence_before": 80, "version": 1}, format="json").status_code == 409
    testing = client.post(url + "status/", {"status": "testing", "version": 2}, format="json")
    assert testing.json()["status"] == "testing"
    jump = client.post(url + "status/", {"status": "proposed", "version": 3}, format="json")
    assert jump.status_code == 400 and "cannot go from Testing to Proposed" in str(jump.json())


def test_team_members_may_not_write_hypotheses(api, member, scrum_master, two):
    for person in (member, scrum_master):
        client = api.as_user(person)
        assert client.post(f"{BASE}/hypotheses/", {"change": "x"}, format="json").status_code == 403
        assert client.post(f"{BASE}/hypotheses/2/publish/", {"version": 1}, format="json").status_code == 403
        api.logout()


def test_bad_hypothesis_input_is_a_400_never_a_500(api, pm, other_product, metric):
    from tests.factories import OutcomeMetricFactory

    client = api.as_user(pm)
    foreign = OutcomeMetricFactory(product=other_product)
    for body in (
        {"change": "a", "audience": "b", "outcome": "c", "metric": foreign.pk},
        {"change": "a", "audience": "b", "outcome": "c", "owner": "ghost"},
        {"change": "a", "audience": "b", "outcome": "c", "confidence_before": 300},
        {"change": "a", "audience": "b", "outcome": "c", "target": "lots"},
        {"change": "a", "audience": "b", "outcome": "c", "metric": metric.pk, "metric_text": "Also this"},
        {"change": "", "audience": "b", "outcome": "c"},
    ):
        response = client.post(f"{BASE}/hypotheses/", body, format="json")
        assert response.status_code == 400, body
    assert not Hypothesis.objects.exists()


def test_test_items_and_links_through_the_api(api, pm, two, product):
    _, hypothesis = two
    client = api.as_user(pm)
    url = f"{BASE}/hypotheses/{hypothesis.number}/"
    made = client.post(url + "test-items/", {"items": [{"title": "Offline eval", "story_points": 2}]}, format="json")
    assert made.status_code == 201
    number = made.json()["items"][0]["number"]
    motivating = StakeholderRequestFactory(product=product)
    linked = client.post(url + "links/", {"requests": [motivating.number]}, format="json")
    assert linked.json()["test_items"] == [number] and linked.json()["requests"] == [motivating.number]
    assert client.post(url + "links/", {"requests": [4242]}, format="json").status_code == 400
    assert client.post(url + "test-items/", {"items": []}, format="json").status_code == 400


def test_experiments_through_the_api_propose_a_status(api, member, two):
    _, hypothesis = two
    client = api.as_user(member)
    created = client.post(
        f"{BASE}/experiments/", {"hypothesis": hypothesis.number, "title": "A/B", "method": "ab_test"}, format="json"
    )
    assert created.status_code == 201, created.content
    url = f"{BASE}/experiments/{created.json()['id']}/"
    result = client.post(
        url + "result/",
        {"treatment_value": "3.4", "control_value": "2.0", "conclusion": "Clear win.", "version": 1},
        format="json",
    )
    assert result.status_code == 200, result.content
    assert (result.json()["observed_value"], result.json()["proposed_status"]) == ("3.4000", "validated")
    assert client.get(f"{BASE}/hypotheses/{hypothesis.number}/").json()["proposed_status"] == "validated"
    assert client.get(f"{BASE}/experiments/?proposed_status=validated").json()["count"] == 1
    again = client.post(url + "result/", {"observed_value": "1", "conclusion": "x", "version": 2}, format="json")
    assert again.status_code == 400


def test_bad_experiment_input_is_a_400(api, member, two, state):
    client = api.as_user(member)
    assert client.post(f"{BASE}/experiments/", {"title": "x", "method": "analysis"}, format="json").status_code == 400
    response = client.post(
        f"{BASE}/experiments/", {"hypothesis": 999, "title": "x", "method": "analysis"}, format="json"
    )
    assert response.status_code == 400 and "hypothesis" in response.json()
    response = client.post(f"{BASE}/experiments/", {"hypothesis": 2, "title": "x", "method": "tea"}, format="json")
    assert response.status_code == 400
    bare = state(None)
    experiment = services.experiment_create(actor=member, hypothesis=bare, title="Look", method="analysis")
    response = client.post(
        f"{BASE}/experiments/{experiment.pk}/result/",
        {"observed_value": "2", "conclusion": "x", "version": 1},
        format="json",
    )
    assert response.status_code == 400 and "has no metric" in str(response.json())
    assert Experiment.objects.get(pk=experiment.pk).status == "planned"


def test_assumptions_on_a_hypothesis_through_the_api(api, member, two):
    _, hypothesis = two
    client = api.as_user(member)
    created = client.post(
        f"{BASE}/assumptions/",
        {"hypothesis": hypothesis.number, "text": "Logs are complete", "category": "data_quality"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["hypothesis"] == hypothesis.number
    wrong = client.post(
        f"{BASE}/assumptions/{created.json()['id']}/wrong/",
        {"note": "A month is missing", "follow_ups": [{"title": "Backfill May"}]},
        format="json",
    )
    assert wrong.status_code == 200 and [f["title"] for f in wrong.json()["follow_up_items"]] == ["Backfill May"]
    assert client.get(f"{BASE}/assumptions/?hypothesis={hypothesis.number}").json()["count"] == 1
    both = client.post(
        f"{BASE}/assumptions/", {"hypothesis": 1, "sprint": 1, "text": "x", "category": "effort"}, format="json"
    )
    assert both.status_code == 400
    neither = client.post(f"{BASE}/assumptions/", {"text": "x", "category": "effort"}, format="json")
    assert neither.status_code == 400
    assert Assumption.objects.count() == 1


def test_a_token_scoped_to_recording_experiments_cannot_decide(client, pm, two, product):
    _, secret = accounts.api_token_create(
        actor=pm, name="notebook", lifetime_days=7, product_id=product.pk, actions=["record_experiments"]
    )
    auth = {"HTTP_AUTHORIZATION": f"Token {secret}"}
    response = client.post(
        f"{BASE}/hypotheses/2/status/", {"status": "validated", "version": 2}, content_type="application/json", **auth
    )
    assert response.status_code == 403
    assert client.get(f"{BASE}/hypotheses/", **auth).status_code == 403  # viewing was not granted


def test_the_schema_has_the_hypotheses_api(api, pm):
    paths = api.as_user(pm).get("/api/schema/?format=json").json()["paths"]
    for path in (
        "/api/v1/products/{product_slug}/hypotheses/{number}/status/",
        "/api/v1/products/{product_slug}/experiments/{id}/result/",
        "/api/v1/products/{product_slug}/learning-log/",
        "/api/v1/products/{product_slug}/model-versions/{id}/sign-off/",
        "/api/v1/products/{product_slug}/metrics/{metric_id}/readings/bulk/",
        "/api/v1/products/{product_slug}/feasibility/{id}/decide/",
    ):
        assert path in paths


@pytest.mark.parametrize("persona", ["pm", "stakeholder"], indirect=True)
def test_list_queries_do_not_grow_with_rows(api, persona, pm, product, django_assert_num_queries):
    client = api.as_user(persona)

    def grow(start, count):
        for n in range(start, start + count):
            hypothesis = HypothesisFactory(
                product=product, number=n, status="validated", published_at="2026-01-01T00:00Z", learning="x"
            )
            ExperimentFactory(hypothesis=hypothesis, status="concluded", observed_value=Decimal("2.5"))

    grow(1, 2)
    urls = [f"{BASE}/hypotheses/", f"{BASE}/learning-log/"]
    if persona == pm:
        urls.append(f"{BASE}/experiments/")
    counts = {url: queries_of(lambda url=url: client.get(url)) for url in urls}
    grow(10, 25)
    for url, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
