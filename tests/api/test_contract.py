"""The API answers what its schema says (issue 16): the shapes the audit
found wrong, the error answers every operation documents, and bad paging,
ordering and filter values answered 400 instead of being ignored."""

import pytest

from apps.accounts.models import Role
from apps.reports.models import SurveyRound
from tests.factories import BlockerFactory, StakeholderRequestFactory
from tests.reports.conftest import add_people, make_survey

BACKLOG = "/api/v1/products/recommender/backlog"


@pytest.fixture
def spec(api, pm):
    return api.as_user(pm).get("/api/schema/?format=json").json()


def component(spec, name):
    return spec["components"]["schemas"][name]


def response_schema(spec, path, method, status="200"):
    content = spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    ref = content.get("$ref") or content.get("items", {}).get("$ref")
    return content, (component(spec, ref.rsplit("/", 1)[1]) if ref else None)


def test_fields_that_can_be_null_are_documented_as_nullable(spec):
    assert component(spec, "BacklogItem")["properties"]["parent"]["nullable"] is True
    assert component(spec, "BacklogItem")["properties"]["assignee"]["nullable"] is True
    assert component(spec, "Blocker")["properties"]["resolved_by"]["nullable"] is True


def test_history_and_bulk_are_documented_as_the_bare_lists_they_answer(spec, api, pm, make_item):
    history, _ = response_schema(spec, "/api/v1/products/{product_slug}/backlog/items/{number}/history/", "get")
    bulk, _ = response_schema(spec, "/api/v1/products/{product_slug}/backlog/items/bulk/", "post")
    assert history["type"] == "array" and bulk["type"] == "array"
    item = make_item()
    client = api.as_user(pm)
    assert isinstance(client.get(f"{BACKLOG}/items/{item.number}/history/").json(), list)
    answer = client.post(f"{BACKLOG}/items/bulk/", {"items": [item.number], "status": "dropped"}, format="json")
    assert answer.status_code == 200 and isinstance(answer.json(), list)


def test_a_blocker_resolved_by_nobody_yet_and_an_item_without_epic_answer_null(api, pm, make_item):
    item = make_item()
    BlockerFactory(item=item)
    body = api.as_user(pm).get(f"{BACKLOG}/items/{item.number}/").json()
    assert body["parent"] is None and body["blockers"][0]["resolved_by"] is None


def test_inbox_rows_carry_has_voted_and_is_watching_as_documented(spec, api, pm, product):
    StakeholderRequestFactory(product=product)
    row = api.as_user(pm).get("/api/v1/requests/inbox/").json()["results"][0]
    required = component(spec, "InboxRequest")["required"]
    assert {"has_voted", "is_watching"} <= set(required)
    assert set(required) <= set(row)


def test_a_stakeholder_row_lacks_the_team_fields_and_the_schema_does_not_require_them(
    spec, api, stakeholder, pm, product
):
    StakeholderRequestFactory(product=product, requester=stakeholder)
    mine = api.as_user(stakeholder).get("/api/v1/products/recommender/requests/").json()["results"][0]
    team = api.as_user(pm).get("/api/v1/products/recommender/requests/").json()["results"][0]
    required = set(component(spec, "TeamRequest")["required"])
    assert "backlog_item" not in mine and "backlog_item" in team
    assert required <= set(mine) and not required & {"backlog_item", "decided_at", "snoozed_until"}


def test_open_round_answers_with_has_report_like_the_rounds_list(
    spec, api, pm, product, django_capture_on_commit_callbacks
):
    add_people(product, 5, Role.TEAM_MEMBER)
    survey = make_survey(product, pm, audience="team")
    with django_capture_on_commit_callbacks(execute=True):
        opened = api.as_user(pm).post(f"/api/v1/products/recommender/surveys/{survey.pk}/open-round/")
    assert opened.status_code == 201
    required = component(spec, "SurveyRound")["required"]
    assert set(required) <= set(opened.json())
    assert opened.json()["has_report"] is False
    assert SurveyRound.objects.filter(survey=survey).count() == 1


def test_every_operation_documents_its_error_answers(spec):
    missing = [
        f"{method.upper()} {path}: {status}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        for status in ("400", "401", "403", "404", "409", "429", "503")
        if status not in operation["responses"]
    ]
    assert missing == []
    assert spec["paths"]["/api/v1/products/"]["get"]["responses"]["429"]["headers"]["Retry-After"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page_size=0", "page_size"),
        ("page_size=x", "page_size"),
        ("page_size=100000", "page_size"),
        ("ordering=no_such_field", "ordering"),
        ("status=shipped", "status"),
    ],
)
def test_invalid_paging_ordering_and_filter_values_are_a_400_naming_them(api, pm, make_item, query, field):
    make_item()
    response = api.as_user(pm).get(f"{BACKLOG}/items/?{query}")
    assert response.status_code == 400 and field in response.json()


def test_valid_paging_still_works_and_a_page_past_the_end_is_a_404(api, pm, make_item):
    make_item(), make_item()
    client = api.as_user(pm)
    assert client.get(f"{BACKLOG}/items/?page=1&page_size=1&ordering=-number").json()["count"] == 2
    assert client.get(f"{BACKLOG}/items/?page=last&page_size=1").status_code == 200
    assert client.get(f"{BACKLOG}/items/?page=9").status_code == 404


def test_an_api_address_that_leads_nowhere_answers_json(api, pm):
    response = api.as_user(pm).get("/api/v1/products/recommender/backlog/items/not-a-number/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_ordering_a_list_that_has_a_fixed_order_is_a_400_not_a_500(api, pm):
    """Found by the schemathesis run: `?ordering=` on an endpoint whose list is built in Python crashed."""
    response = api.as_user(pm).get("/api/v1/notifications/preferences/?ordering=kind")
    assert response.status_code == 400 and "ordering" in response.json()
    assert api.as_user(pm).get("/api/v1/notifications/preferences/").status_code == 200
