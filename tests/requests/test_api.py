"""The REST API: the same rules as the pages, in JSON."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.requests import conf, services
from apps.requests.models import Comment, StakeholderRequest
from tests.factories import MembershipFactory, StakeholderRequestFactory, UserFactory
from tests.utils import queries_of

Status = StakeholderRequest.Status
BODY = {
    "title": "Explain forecast errors",
    "problem": "Planners do not trust the forecast.",
    "desired_outcome": "Planners see the main drivers of each error.",
}


def api_url(product, suffix=""):
    return f"/api/v1/products/{product.slug}/requests/{suffix}"


@pytest.fixture
def others_private(product):
    other = MembershipFactory(product=product, role="stakeholder").user
    return StakeholderRequestFactory(product=product, requester=other, visibility="private", title="Salary bands")


def test_a_stakeholder_submits_and_reads_back_their_request(api, stakeholder, product):
    client = api.as_user(stakeholder)
    response = client.post(api_url(product), {**BODY, "urgency": "high"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["reference"], body["status"], body["urgency"]) == ("R-1", "new", "high")
    assert body["requester"]["username"] == "stakeholder"
    assert "backlog_item" not in body, "stakeholders do not see the backlog"
    assert body["url"].endswith("/p/recommender/requests/1/")
    assert client.get(api_url(product, "1/")).json()["title"] == BODY["title"]


def test_a_missing_problem_statement_is_a_400_field_error(api, stakeholder, product):
    response = api.as_user(stakeholder).post(api_url(product), {**BODY, "problem": ""}, format="json")
    assert response.status_code == 400
    assert "problem" in response.json()
    assert not StakeholderRequest.objects.exists()


def test_submitting_too_fast_answers_429_with_retry_after(monkeypatch, api, stakeholder, product):
    monkeypatch.setattr(conf, "SUBMISSIONS_PER_WINDOW", 1)
    client = api.as_user(stakeholder)
    assert client.post(api_url(product), BODY, format="json").status_code == 201
    response = client.post(api_url(product), BODY, format="json")
    assert response.status_code == 429
    assert "the most allowed" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    assert StakeholderRequest.objects.count() == 1


def test_the_rate_window_slides(monkeypatch, api, stakeholder, product):
    monkeypatch.setattr(conf, "SUBMISSIONS_PER_WINDOW", 1)
    client = api.as_user(stakeholder)
    assert client.post(api_url(product), BODY, format="json").status_code == 201
    assert client.post(api_url(product), BODY, format="json").status_code == 429
    StakeholderRequest.objects.update(created_at=timezone.now() - conf.SUBMISSION_WINDOW - timedelta(seconds=1))
    assert client.post(api_url(product), BODY, format="json").status_code == 201


def test_the_rate_limit_is_per_person(monkeypatch, api, stakeholder, member, product):
    monkeypatch.setattr(conf, "SUBMISSIONS_PER_WINDOW", 1)
    assert api.as_user(stakeholder).post(api_url(product), BODY, format="json").status_code == 201
    assert api.as_user(stakeholder).post(api_url(product), BODY, format="json").status_code == 429
    assert api.as_user(member).post(api_url(product), BODY, format="json").status_code == 201


def test_lists_counts_and_filters_never_reveal_others_private_requests(api, stakeholder, product, others_private):
    StakeholderRequestFactory(product=product, requester=stakeholder, title="Mine")
    client = api.as_user(stakeholder)
    for query in ("", "?status=new", "?q=Salary", f"?requester={others_private.requester.username}", "?mine=false"):
        body = client.get(api_url(product) + query).json()
        assert "Salary bands" not in str(body), query
        assert body["count"] == len(body["results"]) <= 1, query
    assert client.get(api_url(product, f"{others_private.number}/")).status_code == 404
    assert client.get(api_url(product, "similar/?q=salary+bands")).json() == []
    assert client.post(api_url(product, f"{others_private.number}/vote/")).status_code == 404
    assert client.get(api_url(product, f"{others_private.number}/comments/")).status_code == 404


def test_the_team_sees_private_requests_with_triage_facts(api, member, product, others_private):
    body = api.as_user(member).get(api_url(product)).json()
    assert [r["title"] for r in body["results"]] == ["Salary bands"]
    assert {"backlog_item", "first_response_at", "decided_at", "snoozed_until"} <= body["results"][0].keys()


def test_an_outsider_gets_404_for_everything(api, outsider, product, new_request):
    client = api.as_user(outsider)
    number = new_request.number
    assert client.get(api_url(product)).status_code == 404
    assert client.get(api_url(product, f"{number}/")).status_code == 404
    assert client.post(api_url(product), BODY, format="json").status_code == 404
    assert client.post(api_url(product, f"{number}/decline/"), {"reason": "x"}).status_code == 404
    assert client.get(api_url(product, f"{number}/comments/")).status_code == 404
    assert client.get(api_url(product, "settings/")).status_code == 404


def test_internal_notes_are_hidden_from_stakeholders_even_when_asked_for(api, pm, stakeholder, product, new_request):
    services.comment_add(actor=pm, stakeholder_request=new_request, body="internal only", internal=True)
    services.comment_add(actor=pm, stakeholder_request=new_request, body="hello")
    client = api.as_user(stakeholder)
    comments_url = api_url(product, f"{new_request.number}/comments/")
    assert [c["body"] for c in client.get(comments_url).json()["results"]] == ["hello"]
    assert client.get(comments_url + "?internal=true").json()["results"] == []
    response = client.post(comments_url, {"body": "let me in", "internal": True}, format="json")
    assert response.status_code == 403
    assert client.post(comments_url, {"body": "thanks"}, format="json").status_code == 201
    team_view = api.as_user(pm).get(comments_url).json()["results"]
    assert [(c["body"], c["internal"]) for c in team_view] == [
        ("internal only", True),
        ("hello", False),
        ("thanks", False),
    ]


def test_an_empty_comment_is_refused(api, stakeholder, product, new_request):
    response = api.as_user(stakeholder).post(
        api_url(product, f"{new_request.number}/comments/"), {"body": "  "}, format="json"
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_votes_and_watching(api, member, product, new_request):
    client = api.as_user(member)
    body = client.post(api_url(product, f"{new_request.number}/vote/")).json()
    assert (body["vote_count"], body["has_voted"], body["is_watching"]) == (1, True, True)
    body = client.delete(api_url(product, f"{new_request.number}/vote/")).json()
    assert (body["vote_count"], body["has_voted"]) == (0, False)
    body = client.delete(api_url(product, f"{new_request.number}/watch/")).json()
    assert body["is_watching"] is False


def test_the_requester_cannot_vote_for_their_own_request(api, stakeholder, product, new_request):
    response = api.as_user(stakeholder).post(api_url(product, f"{new_request.number}/vote/"))
    assert response.status_code == 400
    assert "already counts you" in str(response.json())


@pytest.mark.parametrize(
    ("decision", "payload", "status"),
    [
        ("accept", {"note": "Yes."}, "accepted"),
        ("decline", {"reason": "No budget."}, "declined"),
        ("ask", {"question": "Which region?"}, "needs_info"),
        ("snooze", {"until": "2099-01-01"}, "new"),
    ],
)
def test_each_triage_action_through_the_api(
    api, pm, product, new_request, decision, payload, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(pm).post(
            api_url(product, f"{new_request.number}/{decision}/"),
            {**payload, "version": new_request.version},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == status
    assert len(mail.outbox) == (0 if decision == "snooze" else 1)


def test_merge_through_the_api(api, pm, product, new_request):
    kept = StakeholderRequestFactory(product=product)
    response = api.as_user(pm).post(
        api_url(product, f"{new_request.number}/merge/"), {"into": kept.number, "version": 1}, format="json"
    )
    assert response.json()["status"] == "duplicate" and response.json()["duplicate_of"] == kept.number
    assert kept.votes.filter(user=new_request.requester).exists()


def test_accept_links_an_existing_backlog_item_by_number_or_says_it_is_unknown(api, pm, product, new_request):
    from apps.backlog import services as backlog

    item = backlog.item_create(actor=pm, product=product, title="Existing")
    client = api.as_user(pm)
    url = api_url(product, f"{new_request.number}/accept/")
    response = client.post(url, {"backlog_item": 99, "version": 1}, format="json")
    assert response.status_code == 400 and "backlog_item" in response.json()
    response = client.post(url, {"backlog_item": item.number, "version": 1})
    assert response.json()["backlog_item"] == item.number


@pytest.mark.parametrize(
    ("decision", "body"),
    [
        ("accept", {}),
        ("decline", {"reason": "No"}),
        ("ask", {"question": "Which data?"}),
        ("snooze", {"until": "2099-01-01"}),
    ],
)
def test_a_decision_without_a_version_is_refused(api, pm, product, new_request, decision, body):
    """Issue 16: the API accepted decisions without `version`, so a stale one went through."""
    response = api.as_user(pm).post(api_url(product, f"{new_request.number}/{decision}/"), body, format="json")
    assert response.status_code == 400 and "version" in response.json()
    new_request.refresh_from_db()
    assert (new_request.status, new_request.version) == (Status.NEW, 1)


def test_triage_actions_are_for_the_pm_only(api, scrum_master, stakeholder, product, new_request):
    for person in (scrum_master, stakeholder):
        response = api.as_user(person).post(
            api_url(product, f"{new_request.number}/decline/"), {"reason": "x"}, format="json"
        )
        assert response.status_code == 403
    new_request.refresh_from_db()
    assert new_request.status == Status.NEW


def test_bad_triage_input_is_a_400_and_a_stale_version_a_409(api, pm, product, new_request):
    client = api.as_user(pm)
    base = api_url(product, f"{new_request.number}/")
    assert client.post(base + "decline/", {"reason": ""}, format="json").status_code == 400
    assert client.post(base + "snooze/", {"until": "yesterday"}, format="json").status_code == 400
    assert client.post(base + "snooze/", {"until": "2001-01-01"}, format="json").status_code == 400
    assert client.post(base + "merge/", {"into": new_request.number}, format="json").status_code == 400
    stale = client.post(base + "decline/", {"reason": "No.", "version": new_request.version + 1}, format="json")
    assert stale.status_code == 409
    new_request.refresh_from_db()
    assert new_request.status == Status.NEW


def test_the_inbox_endpoint_flags_service_levels_and_is_for_leads(api, pm, scrum_master, member, product):
    late = StakeholderRequestFactory(product=product, title="Late")
    StakeholderRequest.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=30))
    StakeholderRequestFactory(product=product, title="Fresh")
    body = api.as_user(pm).get("/api/v1/requests/inbox/").json()
    assert [(r["title"], r["overdue"], r["target_days"]) for r in body["results"]] == [
        ("Late", True, 5),
        ("Fresh", False, 5),
    ]
    assert body["results"][0]["age_days"] >= 20
    assert api.as_user(scrum_master).get("/api/v1/requests/inbox/?overdue=true").json()["count"] == 1
    assert api.as_user(member).get("/api/v1/requests/inbox/").status_code == 403
    assert api.as_user(pm).get("/api/v1/requests/inbox/?state=bogus").status_code == 400
    assert api.as_user(pm).get("/api/v1/requests/inbox/?product=other").status_code == 400


def test_service_level_settings_read_by_the_team_and_set_by_the_pm(api, pm, member, stakeholder, product):
    settings_url = api_url(product, "settings/")
    assert api.as_user(member).get(settings_url).json() == {"response_target_days": 5}
    assert api.as_user(member).put(settings_url, {"response_target_days": 3}).status_code == 403
    assert api.as_user(stakeholder).get(settings_url).status_code == 403
    assert api.as_user(pm).put(settings_url, {"response_target_days": 0}, format="json").status_code == 400
    assert api.as_user(pm).put(settings_url, {"response_target_days": 3}, format="json").json() == {
        "response_target_days": 3
    }


def test_my_requests_and_notification_settings(api, stakeholder, product, new_request):
    client = api.as_user(stakeholder)
    assert [r["number"] for r in client.get("/api/v1/requests/mine/").json()["results"]] == [new_request.number]
    settings_url = "/api/v1/requests/notification-settings/"
    assert client.get(settings_url).json() == {"email_on_request_updates": True}
    assert client.put(settings_url, {"email_on_request_updates": False}, format="json").status_code == 200
    assert client.get(settings_url).json() == {"email_on_request_updates": False}


@pytest.mark.parametrize(
    "path", ["/api/v1/products/recommender/requests/", "/api/v1/requests/inbox/", "/api/v1/requests/mine/"]
)
def test_list_endpoints_run_the_same_number_of_queries_however_many_requests(
    api, pm, product, path, django_assert_num_queries
):
    client = api.as_user(pm)

    def fill(count):
        for _ in range(count):
            requester = UserFactory()
            MembershipFactory(product=product, user=requester, role="stakeholder")
            stakeholder_request = StakeholderRequestFactory(product=product, requester=requester)
            services.watch_set(actor=pm, stakeholder_request=stakeholder_request, watching=True)
        services.request_accept(actor=pm, stakeholder_request=StakeholderRequest.objects.filter(status="new").last())

    fill(2)
    with_few = queries_of(lambda: client.get(path))
    fill(10)
    with django_assert_num_queries(with_few):
        assert client.get(path).status_code == 200


def test_the_schema_documents_the_request_endpoints(api, pm):
    schema = api.as_user(pm).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/products/{product_slug}/requests/",
        "/api/v1/products/{product_slug}/requests/{number}/accept/",
        "/api/v1/products/{product_slug}/requests/{number}/comments/",
        "/api/v1/products/{product_slug}/requests/similar/",
        "/api/v1/requests/inbox/",
    ):
        assert path in paths, path


def test_the_comment_list_runs_the_same_number_of_queries_however_many_comments(
    api, pm, member, product, new_request, django_assert_num_queries
):
    client = api.as_user(pm)
    comments_url = api_url(product, f"{new_request.number}/comments/")
    services.comment_add(actor=member, stakeholder_request=new_request, body="first")
    with_one = queries_of(lambda: client.get(comments_url))
    for index in range(10):
        author = MembershipFactory(product=product, role="member").user
        services.comment_add(actor=author, stakeholder_request=new_request, body=f"{index}", internal=index % 2 == 0)
    with django_assert_num_queries(with_one):
        assert client.get(comments_url).json()["count"] == 11


def test_settings_sent_without_their_value_are_a_400_not_a_500(api, pm, product):
    client = api.as_user(pm)
    response = client.put(api_url(product, "settings/"), {}, format="json")
    assert response.status_code == 400
    assert "response_target_days" in response.json()
    response = client.put("/api/v1/requests/notification-settings/", {}, format="json")
    assert response.status_code == 400
    assert "email_on_request_updates" in response.json()


def test_an_empty_patch_of_the_notification_setting_keeps_it(api, stakeholder):
    client = api.as_user(stakeholder)
    settings_url = "/api/v1/requests/notification-settings/"
    client.put(settings_url, {"email_on_request_updates": False}, format="json")
    response = client.patch(settings_url, {}, format="json")
    assert response.status_code == 200
    assert response.json() == {"email_on_request_updates": False}


def test_options_on_the_settings_endpoint_describes_it_instead_of_failing(api, pm, product):
    response = api.as_user(pm).options(api_url(product, "settings/"))
    assert response.status_code == 200
