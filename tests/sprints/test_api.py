"""The sprints API: behaviour, permissions both ways, bad input, query counts."""

import pytest

from apps.backlog.models import BacklogItem
from apps.hypotheses.models import Assumption
from apps.sprints import services
from apps.sprints.models import ExitCriterion, Sprint, SprintItem
from tests.factories import SprintFactory, SprintItemFactory
from tests.sprints.conftest import day, finish, on, reload
from tests.utils import queries_of

API = "/api/v1/products/recommender/"


@pytest.fixture
def sprint(product, make_sprint):
    return make_sprint(product)


@pytest.fixture
def active(sprint, scrum_master, make_item, product):
    with on(day(0), 8):
        for title, points in (("A", 3), ("B", 5)):
            services.sprint_item_add(
                actor=scrum_master, sprint=sprint, item=make_item(product, title, points, status="ready")
            )
        return services.sprint_start(actor=scrum_master, sprint=sprint)


def test_scrum_master_runs_a_sprint_through_the_api(api, scrum_master, product, make_item):
    client = api.as_user(scrum_master)
    created = client.post(
        f"{API}sprints/",
        {"name": "Sprint 1", "start_date": "2026-03-02", "end_date": "2026-03-06", "capacity_points": "8"},
    )
    assert created.status_code == 201, created.json()
    sprint_url = f"{API}sprints/{created.json()['id']}/"
    first, second = make_item(product, "A", 3, status="ready"), make_item(product, "B", 5, status="ready")
    with on(day(0), 8):
        assert client.post(f"{sprint_url}items/", {"item": first.pk}).status_code == 201
        assert client.post(f"{sprint_url}items/", {"item": second.pk}).status_code == 201
        started = client.post(f"{sprint_url}start/", {"version": 1})
    assert started.status_code == 200 and started.json()["status"] == "active"
    with on(day(1)):
        finish(scrum_master, first)
    with on(day(4), 18):
        closed = client.post(
            f"{sprint_url}close/",
            {"decisions": [{"item": second.pk, "decision": "carry_over"}], "version": started.json()["version"]},
            format="json",
        )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["committed_points"] == "8.0" and closed.json()["completed_points"] == "3.0"
    assert closed.json()["say_do_ratio"] == "0.375"
    burndown = client.get(f"{sprint_url}burndown/").json()
    assert burndown["remaining"] == [8, 5, 5, 5, 5]
    figures = client.get(f"{sprint_url}figures/").json()
    assert figures["carried_over"] == 5 and figures["final"] is True
    velocity = client.get(f"{API}velocity/?last=3").json()
    assert velocity["sprints"][0]["completed"] == 3 and velocity["average_completed"] == 3
    assert client.get(f"{API}sprints/?status=planned").json()["results"][0]["name"] == "Sprint 2"


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member"], indirect=True)
def test_the_team_reads_sprints_burndown_and_velocity(api, persona, active):
    client = api.as_user(persona)
    for url in (
        f"{API}sprints/",
        f"{API}sprints/{active.pk}/",
        f"{API}sprints/{active.pk}/burndown/",
        f"{API}sprints/{active.pk}/items/",
        f"{API}velocity/",
        f"{API}assumptions/",
    ):
        assert client.get(url).status_code == 200, url


def test_stakeholders_get_403_and_outsiders_404(api, stakeholder, outsider, active):
    urls = [
        f"{API}sprints/",
        f"{API}sprints/{active.pk}/burndown/",
        f"{API}sprints/{active.pk}/items/",
        f"{API}velocity/",
        f"{API}assumptions/",
    ]
    for url in urls:
        assert api.as_user(stakeholder).get(url).status_code == 403, url
        assert api.as_user(outsider).get(url).status_code == 404, url


@pytest.mark.parametrize("persona", ["member", "stakeholder"], indirect=True)
def test_only_leads_plan_start_and_close(api, persona, sprint, make_item, product):
    client = api.as_user(persona)
    item = make_item(product, points=3, status="ready")
    assert (
        client.post(f"{API}sprints/", {"name": "X", "start_date": "2026-05-04", "end_date": "2026-05-08"}).status_code
        == 403
    )
    assert client.post(f"{API}sprints/{sprint.pk}/items/", {"item": item.pk}).status_code == 403
    assert client.post(f"{API}sprints/{sprint.pk}/start/").status_code == 403
    assert client.post(f"{API}sprints/{sprint.pk}/close/", {}, format="json").status_code == 403
    assert Sprint.objects.count() == 1 and reload(sprint).status == Sprint.Status.PLANNED
    assert not SprintItem.objects.exists()


def test_members_record_findings_but_cannot_restage_items(api, member, scrum_master, product, make_sprint, make_item):
    staged = make_sprint(product, "Churn", days=28, kind=Sprint.Kind.STAGED)
    item = make_item(product, points=3, status="ready")
    services.sprint_item_add(actor=scrum_master, sprint=staged, item=item)
    url = f"{API}sprints/{staged.pk}/items/{item.pk}/"
    client = api.as_user(member)
    assert client.patch(url, {"finding": "Seasonality explains the drift"}).json()["finding"].startswith("Season")
    modelling = staged.stages.get(position=1)
    assert client.patch(url, {"stage": modelling.pk}).status_code == 403
    assert api.as_user(scrum_master).patch(url, {"stage": modelling.pk}).json()["stage"] == modelling.pk


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"name": "Overlap", "start_date": "2026-03-04", "end_date": "2026-03-10"}, "start_date"),
        ({"name": "Backwards", "start_date": "2026-04-10", "end_date": "2026-04-01"}, "end_date"),
        ({"name": "No dates"}, "start_date"),
        ({"name": "Weird", "start_date": "2026-04-01", "end_date": "2026-04-03", "kind": "sideways"}, "kind"),
    ],
)
def test_bad_sprints_are_a_400_field_map_and_nothing_is_saved(api, scrum_master, sprint, payload, field):
    response = api.as_user(scrum_master).post(f"{API}sprints/", payload)
    assert response.status_code == 400
    assert field in response.json()
    assert Sprint.objects.count() == 1


def test_committing_another_products_item_is_a_400(api, scrum_master, sprint, other_product, make_item):
    foreign = make_item(other_product, points=3, status="ready")
    response = api.as_user(scrum_master).post(f"{API}sprints/{sprint.pk}/items/", {"item": foreign.pk})
    assert response.status_code == 400
    assert response.json() == {"item": ["No such item in this product's backlog."]}


def test_closing_a_closed_sprint_is_a_400_and_changes_nothing(api, scrum_master, active):
    client = api.as_user(scrum_master)
    items = SprintItem.objects.filter(sprint=active)
    decisions = [{"item": e.item_id, "decision": "backlog"} for e in items]
    close = {"decisions": decisions, "version": active.version}
    assert client.post(f"{API}sprints/{active.pk}/close/", close, format="json").status_code == 200
    closed_at = reload(active).closed_at
    again = client.post(f"{API}sprints/{active.pk}/close/", close | {"version": reload(active).version}, format="json")
    assert again.status_code == 400
    assert "already closed" in again.json()["non_field_errors"][0]
    assert reload(active).closed_at == closed_at


def test_close_with_missing_or_unknown_decisions_is_a_400(api, scrum_master, active):
    client = api.as_user(scrum_master)
    version = active.version
    missing = client.post(f"{API}sprints/{active.pk}/close/", {"decisions": [], "version": version}, format="json")
    assert missing.status_code == 400 and "decisions" in missing.json()
    bad = client.post(
        f"{API}sprints/{active.pk}/close/",
        {"decisions": [{"item": 1, "decision": "shrug"}], "version": version},
        format="json",
    )
    assert bad.status_code == 400
    nowhere = client.post(
        f"{API}sprints/{active.pk}/close/", {"decisions": [], "next_sprint": 999, "version": version}, format="json"
    )
    assert nowhere.status_code == 400 and "next_sprint" in nowhere.json()
    assert reload(active).status == Sprint.Status.ACTIVE


def test_stale_sprint_edit_is_a_409(api, scrum_master, sprint):
    client = api.as_user(scrum_master)
    assert client.patch(f"{API}sprints/{sprint.pk}/", {"goal": "A", "version": 1}).status_code == 200
    assert client.patch(f"{API}sprints/{sprint.pk}/", {"goal": "B", "version": 1}).status_code == 409
    assert reload(sprint).goal == "A"


def test_sprint_and_stage_edits_and_close_without_a_version_are_refused(api, scrum_master, sprint, active):
    """Issue 16: a stale edit or decision must be refused everywhere, so the API needs the version."""
    client = api.as_user(scrum_master)
    for path, body in [
        (f"{API}sprints/{sprint.pk}/", {"goal": "B"}),
    ]:
        response = client.patch(path, body, format="json")
        assert response.status_code == 400 and "version" in response.json(), path
    for path, body in [
        (f"{API}sprints/{sprint.pk}/start/", {}),
        (f"{API}sprints/{active.pk}/close/", {"decisions": []}),
        (f"{API}sprints/{active.pk}/review/", {"review_notes": "x"}),
    ]:
        response = client.post(path, body, format="json")
        assert response.status_code == 400 and "version" in response.json(), path
    assert reload(sprint).goal != "B" and reload(active).status == Sprint.Status.ACTIVE


def test_the_kind_cannot_change_after_creation(api, scrum_master, sprint):
    response = api.as_user(scrum_master).patch(f"{API}sprints/{sprint.pk}/", {"kind": "staged", "version": 1})
    assert response.status_code == 400 and "kind" in response.json()


@pytest.mark.parametrize("last", ["0", "51", "x", "²"])
def test_velocity_window_must_be_sensible(api, member, product, last):
    response = api.as_user(member).get(f"{API}velocity/?last={last}")
    assert response.status_code == 400 and "last" in response.json()


def test_stages_close_through_the_api_only_with_criteria_or_a_reason(api, scrum_master, member, product, make_sprint):
    staged = services.sprint_start(
        actor=scrum_master, sprint=make_sprint(product, "Churn", days=28, kind=Sprint.Kind.STAGED)
    )
    stages = api.as_user(member).get(f"{API}sprints/{staged.pk}/stages/").json()
    first = stages[0]
    assert [s["name"] for s in stages][0] == "Data analysis and planning"
    # One client: each as_user() signs it in as that person.
    refused = api.as_user(scrum_master).post(f"{API}sprints/{staged.pk}/stages/{first['id']}/close/", {})
    assert refused.status_code == 400 and "override_reason" in refused.json()
    for criterion in first["exit_criteria"]:
        url = f"{API}sprints/{staged.pk}/stages/{first['id']}/criteria/{criterion['id']}/"
        assert api.as_user(member).patch(url, {"met": True}).status_code == 200
    assert api.as_user(member).post(f"{API}sprints/{staged.pk}/stages/{first['id']}/close/", {}).status_code == 403
    closed = api.as_user(scrum_master).post(f"{API}sprints/{staged.pk}/stages/{first['id']}/close/", {})
    assert closed.status_code == 200 and closed.json()["is_closed"]
    assert ExitCriterion.objects.filter(met=True).count() == 3
    burndown = api.as_user(member).get(f"{API}sprints/{staged.pk}/stages/{first['id']}/burndown/")
    assert len(burndown.json()["days"]) == 7


def test_a_stage_edit_needs_the_version_and_a_stale_one_is_a_409(api, scrum_master, product, make_sprint):
    staged = make_sprint(product, "Churn", days=28, kind=Sprint.Kind.STAGED)
    first = api.as_user(scrum_master).get(f"{API}sprints/{staged.pk}/stages/").json()[0]
    url = f"{API}sprints/{staged.pk}/stages/{first['id']}/"
    edit = {"name": "Analysis", "start_date": first["start_date"], "end_date": first["end_date"]}
    missing = api.as_user(scrum_master).patch(url, edit, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    assert api.as_user(scrum_master).patch(url, edit | {"version": first["version"]}, format="json").status_code == 200
    stale = api.as_user(scrum_master).patch(url, edit | {"name": "Other", "version": first["version"]}, format="json")
    assert stale.status_code == 409
    assert api.as_user(scrum_master).get(url).json()["name"] == "Analysis"


def test_assumptions_through_the_api(api, member, scrum_master, product, make_sprint):
    staged = services.sprint_start(
        actor=scrum_master, sprint=make_sprint(product, "Churn", days=28, kind=Sprint.Kind.STAGED)
    )
    client = api.as_user(member)
    created = client.post(
        f"{API}assumptions/", {"sprint": staged.pk, "text": "Two years of data", "category": "data_availability"}
    )
    assert created.status_code == 201
    url = f"{API}assumptions/{created.json()['id']}/"
    refused = client.post(
        f"{url}wrong/", {"note": "9 months", "place": "sprint", "follow_ups": [{"title": "X"}]}, format="json"
    )
    assert refused.status_code == 403
    wrong = api.as_user(scrum_master).post(
        f"{url}wrong/",
        {
            "note": "Only 9 months",
            "place": "sprint",
            "stage": staged.stages.get(position=1).pk,
            "follow_ups": [{"title": "Restore archive", "story_points": "3"}],
        },
        format="json",
    )
    assert wrong.status_code == 200, wrong.json()
    assert [i["title"] for i in wrong.json()["follow_up_items"]] == ["Restore archive"]
    assert SprintItem.objects.filter(sprint=staged, item__title="Restore archive").exists()
    client = api.as_user(member)
    assert client.get(f"{API}assumptions/?status=wrong").json()["count"] == 1
    assert client.get(f"{API}assumptions/?status=held").json()["count"] == 0


def test_assumption_for_another_products_sprint_is_a_400(api, member, outsider, other_product):
    foreign = services.sprint_create(
        actor=outsider, product=other_product, name="Theirs", start_date=day(0), end_date=day(4)
    )
    response = api.as_user(member).post(f"{API}assumptions/", {"sprint": foreign.pk, "text": "x", "category": "effort"})
    assert response.status_code == 400 and "sprint" in response.json()
    assert not Assumption.objects.exists()


def test_list_endpoints_do_not_grow_in_queries(api, member, product, django_assert_num_queries):
    client = api.as_user(member)
    sprint = SprintFactory(product=product, status=Sprint.Status.ACTIVE)
    SprintItemFactory(sprint=sprint)
    urls = [
        f"{API}sprints/",
        f"{API}sprints/{sprint.pk}/items/",
        f"{API}velocity/",
        f"{API}sprints/{sprint.pk}/burndown/",
    ]
    counts = {url: queries_of(lambda url=url: client.get(url)) for url in urls}
    for n in range(12):
        SprintFactory(product=product, status=Sprint.Status.CLOSED, committed_points=n, completed_points=n)
        SprintItemFactory(sprint=sprint, item__status=BacklogItem.Status.IN_PROGRESS)
    for url, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("endpoint", ["assumptions/?sprint={sprint}", "sprints/{mine}/items/?stage={stage}"])
def test_filters_do_not_tell_another_products_sprints_and_stages_from_missing_ones(
    api, member, outsider, product, other_product, make_sprint, endpoint
):
    mine = make_sprint(product)
    theirs = services.sprint_create(
        actor=outsider,
        product=other_product,
        name="Their staged sprint",
        start_date=day(0),
        end_date=day(27),
        kind=Sprint.Kind.STAGED,
    )
    client = api.as_user(member)
    url = API + endpoint
    foreign = client.get(url.format(mine=mine.pk, sprint=theirs.pk, stage=theirs.stages.first().pk))
    missing = client.get(url.format(mine=mine.pk, sprint=99_999, stage=99_999))
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert foreign.status_code == 200 and foreign.json()["count"] == 0


def test_a_sprint_item_too_large_for_the_database_is_a_404_in_the_api(api, member, active):
    url = f"{API}sprints/{active.pk}/items/{10**25}/"
    assert api.as_user(member).patch(url, {"finding": "x"}, format="json").status_code == 404


def test_close_takes_one_decision_per_item_and_none_when_nothing_is_unfinished(api, scrum_master, active):
    client = api.as_user(scrum_master)
    entry = SprintItem.objects.filter(sprint=active).first()
    twice = [{"item": entry.item_id, "decision": "backlog"}, {"item": entry.item_id, "decision": "carry_over"}]
    response = client.post(
        f"{API}sprints/{active.pk}/close/", {"decisions": twice, "version": active.version}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"decisions": ["One decision per item."]}
    for entry in SprintItem.objects.filter(sprint=active).select_related("item"):
        finish(scrum_master, entry.item)
    closed = client.post(f"{API}sprints/{active.pk}/close/", {"version": reload(active).version}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
