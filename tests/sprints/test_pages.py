"""The sprint pages: who sees what, the journeys, bad input and query counts."""

from decimal import Decimal

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from apps.backlog.models import BacklogItem
from apps.hypotheses.models import Assumption
from apps.hypotheses.services import assumption_record
from apps.sprints import services
from apps.sprints.models import ExitCriterion, Sprint, SprintItem, SprintStage
from tests.factories import BacklogItemFactory, BlockerFactory, MembershipFactory, SprintFactory, SprintItemFactory
from tests.sprints.conftest import day, finish, on, reload
from tests.utils import queries_of

BASE = "/p/recommender/sprints/"


@pytest.fixture
def sprint(product, make_sprint):
    return make_sprint(product, capacity_points=Decimal(10))


@pytest.fixture
def active(sprint, scrum_master, make_item, product):
    for title, points in (("Clean data", 3), ("Train model", 5)):
        services.sprint_item_add(
            actor=scrum_master, sprint=sprint, item=make_item(product, title, points, status="ready")
        )
    return services.sprint_start(actor=scrum_master, sprint=sprint)


def pages_of(sprint):
    url = f"{BASE}{sprint.pk}/"
    return [BASE, url, f"{url}board/", f"{url}review/"]


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member"], indirect=True)
def test_the_team_sees_the_sprint_pages(browser_client, persona, active):
    client = browser_client.as_user(persona)
    for url in pages_of(active):
        assert client.get(url).status_code == 200, url


def test_stakeholders_see_no_sprint_internals(browser_client, stakeholder, active):
    client = browser_client.as_user(stakeholder)
    for url in pages_of(active):
        assert client.get(url).status_code == 403, url
    assert "Sprints" not in client.get("/p/recommender/").content.decode()


def test_outsiders_get_404(browser_client, outsider, active):
    client = browser_client.as_user(outsider)
    for url in pages_of(active):
        assert client.get(url).status_code == 404, url


def test_the_team_sees_the_sprints_tab(browser_client, member, product):
    assert f'href="{BASE}"' in browser_client.as_user(member).get("/p/recommender/").content.decode()


def test_a_sprint_of_another_product_is_404(browser_client, pm, outsider, other_product, make_sprint):
    foreign = make_sprint(other_product)
    assert browser_client.as_user(pm).get(f"{BASE}{foreign.pk}/").status_code == 404


# --- Planning ---------------------------------------------------------------------


def test_scrum_master_plans_a_sprint_from_the_form(browser_client, scrum_master, product):
    response = browser_client.as_user(scrum_master).post(
        f"{BASE}new/",
        {"name": "Sprint 7", "kind": "standard", "start_date": "2026-03-02", "end_date": "2026-03-13", "goal": ""},
    )
    sprint = Sprint.objects.get()
    assert response.status_code == 302 and response.url == f"{BASE}{sprint.pk}/plan/"


def test_bad_sprint_dates_show_the_reason_and_save_nothing(browser_client, scrum_master, sprint):
    client = browser_client.as_user(scrum_master)
    overlapping = client.post(
        f"{BASE}new/", {"name": "X", "kind": "standard", "start_date": "2026-03-04", "end_date": "2026-03-10"}
    )
    assert overlapping.status_code == 400
    assert "overlap Sprint 1" in overlapping.content.decode()
    backwards = client.post(
        f"{BASE}new/", {"name": "X", "kind": "standard", "start_date": "2026-04-10", "end_date": "2026-04-01"}
    )
    assert backwards.status_code == 400
    assert "cannot end before it starts" in backwards.content.decode()
    assert Sprint.objects.count() == 1


@pytest.mark.parametrize("persona", ["member", "stakeholder"], indirect=True)
def test_only_leads_plan_start_and_close(browser_client, persona, sprint, make_item, product):
    client = browser_client.as_user(persona)
    item = make_item(product, points=3, status="ready")
    url = f"{BASE}{sprint.pk}/"
    assert client.get(f"{BASE}new/").status_code == 403
    assert client.get(f"{url}plan/").status_code == 403
    assert client.post(f"{url}plan/add/", {"item": item.pk}).status_code == 403
    assert client.post(f"{url}start/").status_code == 403
    assert client.get(f"{url}close/").status_code == 403
    assert not SprintItem.objects.exists() and reload(sprint).status == Sprint.Status.PLANNED


def test_planning_page_shows_backlog_capacity_and_readiness_warnings(
    browser_client, scrum_master, sprint, make_item, product
):
    ready = make_item(product, "Ready one", 4, status="ready")
    make_item(product, "Raw idea", None, status=BacklogItem.Status.NEW)
    services.sprint_item_add(
        actor=scrum_master, sprint=sprint, item=make_item(product, "Unready", 2, status=BacklogItem.Status.NEW)
    )
    page = browser_client.as_user(scrum_master).get(f"{BASE}{sprint.pk}/plan/").content.decode()
    assert f"#{ready.number} Ready one" in page and "Raw idea" in page
    assert "not marked ready" in page and "no estimate" in page
    assert "1 item in the sprint is not ready" in page
    assert "2</strong> points committed" in page and "10</strong> capacity" in page


def test_pulling_items_in_and_out_with_htmx_answers_the_planning_fragment(
    browser_client, scrum_master, sprint, make_item, product
):
    client = browser_client.as_user(scrum_master)
    item = make_item(product, "Feature store", 3, status="ready")
    added = client.post(f"{BASE}{sprint.pk}/plan/add/", {"item": item.pk}, headers={"HX-Request": "true"})
    assert added.status_code == 200
    body = added.content.decode()
    assert body.lstrip().startswith('<div id="planning"') and "<html" not in body
    assert SprintItem.objects.filter(sprint=sprint, item=item).exists()
    removed = client.post(f"{BASE}{sprint.pk}/plan/remove/", {"item": item.pk}, headers={"HX-Request": "true"})
    assert removed.status_code == 200
    assert not SprintItem.objects.exists()


def test_committing_another_products_item_is_a_clear_400_fragment(
    browser_client, scrum_master, sprint, make_item, other_product
):
    foreign = make_item(other_product, points=3, status="ready")
    response = browser_client.as_user(scrum_master).post(
        f"{BASE}{sprint.pk}/plan/add/", {"item": foreign.pk}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert "No such item in this product" in response.content.decode()
    assert not SprintItem.objects.exists()


def test_garbage_planning_input_is_a_clear_message_not_a_500(browser_client, scrum_master, sprint):
    client = browser_client.as_user(scrum_master)
    response = client.post(
        f"{BASE}{sprint.pk}/plan/add/", {"item": "abc", "stage": "x"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert client.post(f"{BASE}{sprint.pk}/plan/remove/", {"item": ""}).status_code == 302


def test_per_person_capacity_form_sets_the_team_capacity(browser_client, scrum_master, member, sprint):
    response = browser_client.as_user(scrum_master).post(
        f"{BASE}{sprint.pk}/plan/capacity/",
        {
            "capacity-TOTAL_FORMS": "2",
            "capacity-INITIAL_FORMS": "0",
            "capacity-0-person": member.pk,
            "capacity-0-points": "8",
            "capacity-0-days_off": "1",
            "capacity-1-person": "",
            "capacity-1-points": "",
            "capacity-1-days_off": "0",
            "version": sprint.version,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.content.decode()[:500]
    assert reload(sprint).capacity_points == Decimal("6.4")  # 8 * 4/5 working days


def test_planning_explains_a_hand_set_capacity_and_offers_a_row_per_team_member(
    browser_client, scrum_master, pm, member, stakeholder, sprint
):
    page = browser_client.as_user(scrum_master).get(f"{BASE}{sprint.pk}/plan/")
    assertContains(page, "The capacity of 10 points was set by hand for the whole sprint")
    assertContains(page, f'<a href="{BASE}{sprint.pk}/edit/">Edit sprint</a>', html=True)
    for person in (pm, scrum_master, member):
        assertContains(page, f"Points of {person} in a full sprint")
    assertNotContains(page, f"Points of {stakeholder} in a full sprint")  # stakeholders have no capacity
    assert page.content.decode().count("not counted (blank: 0 points)") == 3
    assertContains(page, "Leave a person's points blank to leave them out of this sprint")


def test_planning_shows_how_each_person_adds_to_the_capacity_and_blank_rows_count_nothing(
    browser_client, scrum_master, pm, member, sprint
):
    client = browser_client.as_user(scrum_master)
    people = [pm, scrum_master, member]  # the rows, by username
    people.sort(key=lambda person: person.username)
    rows = dict.fromkeys(people, ("", "0")) | {member: ("8", "1"), pm: ("5", "0")}
    data = {"capacity-TOTAL_FORMS": str(len(people)), "capacity-INITIAL_FORMS": str(len(people))}
    for index, person in enumerate(people):
        points, days_off = rows[person]
        data |= {
            f"capacity-{index}-person": person.pk,
            f"capacity-{index}-points": points,
            f"capacity-{index}-days_off": days_off,
        }
    response = client.post(
        f"{BASE}{sprint.pk}/plan/capacity/", data | {"version": sprint.version}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200, response.content.decode()[:500]
    assert reload(sprint).capacity_points == Decimal("11.4")  # 8 × 4/5 + 5 × 5/5; the blank row adds nothing
    page = client.get(f"{BASE}{sprint.pk}/plan/")
    assertContains(page, "The capacity is the sum of what each person below adds")
    assertContains(page, "6.4 <small class='muted'>= 8 × 4 ÷ 5 days</small>", html=True)
    assertContains(page, "5 <small class='muted'>= 5 × 5 ÷ 5 days</small>", html=True)
    assert page.content.decode().count("not counted (blank: 0 points)") == 1
    assertContains(page, "<strong>11.4</strong> capacity", html=False)


def test_planning_queries_do_not_grow_with_the_team(
    browser_client, scrum_master, member, product, sprint, django_assert_num_queries
):
    client = browser_client.as_user(scrum_master)
    url = f"{BASE}{sprint.pk}/plan/"
    services.sprint_set_capacity(actor=scrum_master, sprint=sprint, capacities=[(member, Decimal(8), 0)])
    with_few = queries_of(lambda: client.get(url))
    more = [MembershipFactory(product=product, role="member").user for _ in range(6)]
    services.sprint_set_capacity(
        actor=scrum_master, sprint=reload(sprint), capacities=[(person, Decimal(3), 1) for person in [member, *more]]
    )
    with django_assert_num_queries(with_few):
        assert client.get(url).status_code == 200


def test_starting_from_the_page_and_a_second_start_is_refused(browser_client, scrum_master, sprint):
    client = browser_client.as_user(scrum_master)
    assert client.post(f"{BASE}{sprint.pk}/start/").url == f"{BASE}{sprint.pk}/board/"
    assert reload(sprint).status == Sprint.Status.ACTIVE
    again = client.post(f"{BASE}{sprint.pk}/start/", follow=True)
    assert "already active" in again.content.decode()


# --- Board ----------------------------------------------------------------------


def test_members_move_cards_through_the_workflow(browser_client, member, active):
    entry = SprintItem.objects.filter(sprint=active).select_related("item").first()
    response = browser_client.as_user(member).post(
        f"{BASE}{active.pk}/board/move/",
        {"item": entry.item_id, "status": "in_progress", "version": entry.item.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'data-status="in_progress"' in response.content.decode()
    assert BacklogItem.objects.get(pk=entry.item_id).status == "in_progress"


def test_an_illegal_move_is_refused_with_the_reason(browser_client, member, active):
    entry = SprintItem.objects.filter(sprint=active).select_related("item").first()
    response = browser_client.as_user(member).post(
        f"{BASE}{active.pk}/board/move/", {"item": entry.item_id, "status": "done"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert "cannot go from Ready to Done" in response.content.decode()
    assert BacklogItem.objects.get(pk=entry.item_id).status == "ready"


def test_a_stale_card_move_is_a_409(browser_client, member, active):
    entry = SprintItem.objects.filter(sprint=active).select_related("item").first()
    response = browser_client.as_user(member).post(
        f"{BASE}{active.pk}/board/move/",
        {"item": entry.item_id, "status": "in_progress", "version": entry.item.version - 1},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert BacklogItem.objects.get(pk=entry.item_id).status == "ready"


def test_without_javascript_a_move_comes_back_to_the_board(browser_client, member, active):
    entry = SprintItem.objects.filter(sprint=active).first()
    response = browser_client.as_user(member).post(
        f"{BASE}{active.pk}/board/move/", {"item": entry.item_id, "status": "in_progress"}
    )
    assert response.status_code == 302 and response.url == f"{BASE}{active.pk}/board/"


def test_stakeholders_cannot_move_cards(browser_client, stakeholder, active):
    entry = SprintItem.objects.filter(sprint=active).first()
    response = browser_client.as_user(stakeholder).post(
        f"{BASE}{active.pk}/board/move/", {"item": entry.item_id, "status": "in_progress"}
    )
    assert response.status_code == 403
    assert BacklogItem.objects.get(pk=entry.item_id).status == "ready"


def test_board_marks_blocked_cards_and_groups_by_assignee(browser_client, member, active):
    from django.utils import timezone

    from apps.backlog.models import Blocker

    entry = SprintItem.objects.filter(sprint=active).select_related("item").first()
    Blocker.objects.create(item=entry.item, reason="Waiting for data access", since=timezone.now())
    BacklogItem.objects.filter(pk=entry.item_id).update(assignee=member)
    page = browser_client.as_user(member).get(f"{BASE}{active.pk}/board/?lanes=assignee").content.decode()
    assert "board-card blocked" in page and "Blocked" in page
    assert str(member) in page and "Unassigned" in page


def test_board_queries_do_not_grow_with_cards(browser_client, member, product, django_assert_num_queries):
    sprint = SprintFactory(product=product, status=Sprint.Status.ACTIVE)
    SprintItemFactory(sprint=sprint)
    client = browser_client.as_user(member)
    url = f"{BASE}{sprint.pk}/board/?lanes=epic"
    with_one = queries_of(lambda: client.get(url))
    epic = BacklogItemFactory(product=product, kind=BacklogItem.Kind.EPIC)
    for _ in range(15):
        SprintItemFactory(sprint=sprint, item=BacklogItemFactory(product=product, parent=epic, assignee=member))
    with django_assert_num_queries(with_one):
        assert client.get(url).status_code == 200


# --- Close and review -------------------------------------------------------------


def test_closing_screen_carries_one_item_over_and_returns_the_other(browser_client, scrum_master, active):
    entries = list(SprintItem.objects.filter(sprint=active).order_by("item__rank"))
    client = browser_client.as_user(scrum_master)
    page = client.get(f"{BASE}{active.pk}/close/").content.decode()
    assert "Clean data" in page and "Train model" in page
    response = client.post(
        f"{BASE}{active.pk}/close/",
        {
            f"decision_{entries[0].item_id}": "carry_over",
            f"decision_{entries[1].item_id}": "backlog",
            "next_sprint": "",
            "version": active.version,
        },
    )
    assert response.status_code == 302
    assert reload(active).status == Sprint.Status.CLOSED
    next_sprint = Sprint.objects.exclude(pk=active.pk).get()
    assert list(SprintItem.objects.filter(sprint=next_sprint).values_list("item_id", flat=True)) == [entries[0].item_id]


def test_closing_without_decisions_shows_what_is_missing(browser_client, scrum_master, active):
    response = browser_client.as_user(scrum_master).post(f"{BASE}{active.pk}/close/", {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert reload(active).status == Sprint.Status.ACTIVE


def test_closing_a_closed_sprint_from_the_page_says_so(browser_client, scrum_master, active):
    entries = SprintItem.objects.filter(sprint=active)
    services.sprint_close(actor=scrum_master, sprint=active, decisions={e.item_id: "backlog" for e in entries})
    response = browser_client.as_user(scrum_master).post(f"{BASE}{active.pk}/close/", {}, follow=True)
    assert "is closed; only a running sprint closes" in response.content.decode()


def test_review_records_goal_notes_and_intermediate_deliveries(browser_client, scrum_master, member, active):
    entry = SprintItem.objects.filter(sprint=active).first()
    client = browser_client.as_user(member)
    assert (
        client.post(
            f"{BASE}{active.pk}/items/{entry.item_id}/finding/", {"finding": "Clean data lifts AUC by 2 points"}
        ).status_code
        == 302
    )
    assert client.post(f"{BASE}{active.pk}/review/", {"goal_met": "yes"}).status_code == 403
    lead = browser_client.as_user(scrum_master)
    assert (
        lead.post(
            f"{BASE}{active.pk}/review/",
            {"goal_met": "yes", "review_notes": "Stakeholders **liked** it", "version": active.version},
        ).status_code
        == 302
    )
    page = lead.get(f"{BASE}{active.pk}/review/").content.decode()
    assert "Intermediate deliveries" in page and "Clean data lifts AUC" in page
    assert "Goal met." in page and "<strong>liked</strong>" in page
    assert reload(active).goal_met is True


# --- Stages and assumptions --------------------------------------------------------


@pytest.fixture
def staged(product, make_sprint, scrum_master):
    sprint = make_sprint(product, "Churn", days=28, kind=Sprint.Kind.STAGED)
    return services.sprint_start(actor=scrum_master, sprint=sprint)


def test_members_tick_exit_criteria_with_htmx_but_cannot_close_stages(browser_client, member, staged):
    stage = staged.stages.first()
    criterion = stage.exit_criteria.first()
    client = browser_client.as_user(member)
    url = f"{BASE}{staged.pk}/stages/{stage.pk}/"
    ticked = client.post(f"{url}criteria/{criterion.pk}/", {"met": "on"}, headers={"HX-Request": "true"})
    assert ticked.status_code == 200 and 'id="checklist"' in ticked.content.decode()
    assert ExitCriterion.objects.get(pk=criterion.pk).met
    assert client.post(f"{url}close/", {"override_reason": "x"}).status_code == 403
    assert not SprintStage.objects.get(pk=stage.pk).is_closed


def test_a_stage_closes_from_its_page_only_with_criteria_or_a_reason(browser_client, scrum_master, staged):
    stage = staged.stages.first()
    client = browser_client.as_user(scrum_master)
    url = f"{BASE}{staged.pk}/stages/{stage.pk}/"
    refused = client.post(f"{url}close/", {"override_reason": ""})
    assert refused.status_code == 400 and "Not met yet" in refused.content.decode()
    assert client.post(f"{url}close/", {"override_reason": "Access approval takes weeks"}).status_code == 302
    assert SprintStage.objects.get(pk=stage.pk).is_closed


def test_stage_page_shows_its_items_checklist_and_burndown(browser_client, member, staged):
    stage = staged.stages.first()
    page = browser_client.as_user(member).get(f"{BASE}{staged.pk}/stages/{stage.pk}/").content.decode()
    assert "Data quality checked and documented" in page
    assert f'data-url="/api/v1/products/recommender/sprints/{staged.pk}/stages/{stage.pk}/burndown/"' in page
    assert "0 of 3 met" in page


def test_members_record_and_mark_assumptions_and_the_sprint_shows_the_cost(
    browser_client, member, scrum_master, staged
):
    client = browser_client.as_user(member)
    response = client.post(
        f"/p/recommender/hypotheses/sprints/{staged.pk}/assumptions/",
        {"text": "Labels are reliable", "category": "data_quality"},
    )
    assert response.status_code == 302
    assumption = Assumption.objects.get()
    wrong_url = f"/p/recommender/hypotheses/assumptions/{assumption.pk}/wrong/"
    form = client.get(wrong_url).content.decode()
    assert 'value="sprint"' not in form, "members may only send follow-ups to the backlog"
    posted = client.post(
        wrong_url,
        {
            "note": "20% of labels are noise",
            "place": "backlog",
            "follow_ups-TOTAL_FORMS": "1",
            "follow_ups-INITIAL_FORMS": "0",
            "follow_ups-0-title": "Relabel a gold set",
            "follow_ups-0-kind": "task",
            "follow_ups-0-story_points": "5",
        },
    )
    assert posted.status_code == 302
    page = client.get(f"{BASE}{staged.pk}/").content.decode()
    assert "Relabel a gold set" in page and "5 points" in page


def test_a_wrong_mark_without_a_note_is_refused(browser_client, member, staged):
    assumption = assumption_record(actor=member, sprint=staged, text="Enough GPUs", category="effort")
    response = browser_client.as_user(member).post(
        f"/p/recommender/hypotheses/assumptions/{assumption.pk}/wrong/",
        {"note": "", "place": "backlog", "follow_ups-TOTAL_FORMS": "0", "follow_ups-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 400
    assert Assumption.objects.get().status == Assumption.Status.OPEN


def test_stakeholders_cannot_touch_assumptions(browser_client, stakeholder, member, staged):
    assumption = assumption_record(actor=member, sprint=staged, text="Enough GPUs", category="effort")
    client = browser_client.as_user(stakeholder)
    assert client.post(f"/p/recommender/hypotheses/assumptions/{assumption.pk}/held/").status_code == 403
    assert client.get(f"/p/recommender/hypotheses/assumptions/{assumption.pk}/wrong/").status_code == 403
    assert Assumption.objects.get().status == Assumption.Status.OPEN


def test_settings_edit_the_stage_template_and_only_the_pm_allows_parallel_sprints(
    browser_client, pm, scrum_master, product
):
    data = {
        "stages-TOTAL_FORMS": "2",
        "stages-INITIAL_FORMS": "0",
        "stages-0-name": "Explore",
        "stages-0-days": "5",
        "stages-0-exit_criteria": "Data profiled",
        "stages-1-name": "Ship",
        "stages-1-days": "5",
        "allow_parallel_sprints": "on",
    }
    assert browser_client.as_user(scrum_master).post(f"{BASE}settings/", data).status_code == 302
    from apps.sprints.models import SprintSettings, StageTemplate

    assert list(StageTemplate.objects.values_list("name", flat=True)) == ["Explore", "Ship"]
    assert not SprintSettings.objects.filter(allow_parallel_sprints=True).exists()
    assert browser_client.as_user(pm).post(f"{BASE}settings/", data).status_code == 302
    assert SprintSettings.objects.get().allow_parallel_sprints


# --- Lists and detail: constant queries ---------------------------------------------


def test_sprint_list_queries_do_not_grow_with_sprints(browser_client, member, product, django_assert_num_queries):
    client = browser_client.as_user(member)
    SprintFactory(
        product=product,
        status=Sprint.Status.CLOSED,
        committed_points=5,
        completed_points=4,
        completed_committed_points=4,
    )
    SprintItemFactory(sprint=SprintFactory(product=product, status=Sprint.Status.ACTIVE))
    with_two = queries_of(lambda: client.get(BASE))
    for n in range(12):
        closed = SprintFactory(product=product, status=Sprint.Status.CLOSED, committed_points=n, completed_points=n)
        SprintItemFactory(sprint=closed)
        SprintItemFactory(sprint=SprintFactory(product=product, status=Sprint.Status.PLANNED))
    with django_assert_num_queries(with_two):
        page = client.get(BASE)
    assert page.status_code == 200 and page.content.decode().count("status-closed") == 13


def test_sprint_detail_queries_do_not_grow_with_items(
    browser_client, member, product, staged, django_assert_num_queries
):
    client = browser_client.as_user(member)
    assumption_record(actor=member, sprint=staged, text="A", category="effort")
    SprintItemFactory(sprint=staged, stage=staged.stages.first())
    with_one = queries_of(lambda: client.get(f"{BASE}{staged.pk}/"))
    for stage in staged.stages.all():
        for _ in range(4):
            SprintItemFactory(sprint=staged, stage=stage)
    for n in range(5):
        assumption_record(actor=member, sprint=staged, text=f"More {n}", category="effort")
    with django_assert_num_queries(with_one):
        assert client.get(f"{BASE}{staged.pk}/").status_code == 200


def test_product_overview_loads_the_velocity_card_for_the_team_only(browser_client, member, stakeholder, product):
    card_url = f"/p/{product.slug}/sprints/velocity-card/"
    assertContains(browser_client.as_user(member).get(f"/p/{product.slug}/"), f'hx-get="{card_url}"')
    assertNotContains(browser_client.as_user(stakeholder).get(f"/p/{product.slug}/"), card_url)


def test_velocity_card_shows_committed_and_completed_points_of_closed_sprints(
    browser_client, scrum_master, member, product, make_item, make_sprint
):
    sprint = make_sprint(product)
    done, undone = make_item(product, "A", 3, status="ready"), make_item(product, "B", 5, status="ready")
    with on(day(0), 8):
        for item in (done, undone):
            services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
        services.sprint_start(actor=scrum_master, sprint=sprint)
    with on(day(1)):
        finish(scrum_master, done)
    with on(day(4), 18):
        services.sprint_close(actor=scrum_master, sprint=sprint, decisions={undone.pk: "backlog"})
    response = browser_client.as_user(member).get(f"/p/{product.slug}/sprints/velocity-card/")
    assertContains(response, "<h2>Velocity</h2>", html=True)
    assertContains(response, "<tr><th scope='row'>Sprint 1</th><td>8.0</td><td>3.0</td><td>38%</td></tr>", html=True)


def test_a_new_products_overview_and_sprints_page_show_first_steps_by_role_not_an_empty_chart(
    browser_client, scrum_master, member, product
):
    create = f"/p/{product.slug}/sprints/new/"
    for url in (f"/p/{product.slug}/sprints/velocity-card/", BASE):
        lead, colleague = browser_client.as_user(scrum_master).get(url), browser_client.as_user(member).get(url)
        for response in (lead, colleague):
            assertContains(response, "No sprint has closed yet")
            assertContains(response, f'<a href="/p/{product.slug}/backlog/">Add backlog items</a>', html=True)
            assertNotContains(response, 'data-chart="velocity"')
        assertContains(lead, f'href="{create}"')
        assertNotContains(colleague, f'href="{create}"')
        assertContains(colleague, "your product manager or scrum master does this")


def test_velocity_card_is_refused_to_stakeholders_and_hidden_from_outsiders(
    browser_client, stakeholder, outsider, product
):
    url = f"/p/{product.slug}/sprints/velocity-card/"
    assert browser_client.as_user(stakeholder).get(url).status_code == 403
    assert browser_client.as_user(outsider).get(url).status_code == 404


def test_item_ids_too_large_for_the_database_are_not_found_not_a_500(browser_client, scrum_master, active):
    # SQLite raises OverflowError for integers beyond 64 bits unless the lookup guards against it.
    huge = str(10**25)
    client = browser_client.as_user(scrum_master)
    url = f"{BASE}{active.pk}/"
    htmx = {"HX-Request": "true"}
    assert client.post(f"{url}plan/remove/", {"item": huge}, headers=htmx).status_code == 400
    assert client.post(f"{url}plan/stage/", {"item": huge, "stage": huge}, headers=htmx).status_code == 400
    assert client.post(f"{url}board/move/", {"item": huge, "status": "done", "version": "1"}).status_code == 404
    assert client.post(f"{url}items/{huge}/finding/", {"finding": "x"}).status_code == 404


# --- Stale edits: a 409 with the reason, nothing saved -----------------------------


def test_a_stale_sprint_edit_is_a_409_with_a_message(browser_client, scrum_master, pm, sprint):
    client = browser_client.as_user(scrum_master)
    edit = client.get(f"{BASE}{sprint.pk}/edit/")
    assertContains(edit, f'name="version" value="{sprint.version}"')
    services.sprint_update(actor=pm, sprint=sprint, goal="Changed meanwhile")
    form = {"name": "Sprint 1", "goal": "Mine", "start_date": "2026-03-02", "end_date": "2026-03-06"}
    stale = client.post(f"{BASE}{sprint.pk}/edit/", {**form, "version": sprint.version})
    assertContains(stale, "Sprint 1 was changed by someone else since you opened it", status_code=409)
    assert reload(sprint).goal == "Changed meanwhile"
    again = client.post(f"{BASE}{sprint.pk}/edit/", {**form, "version": sprint.version})
    assert again.status_code == 409, "the form keeps the version it was based on until reloaded"
    fresh = client.post(f"{BASE}{sprint.pk}/edit/", {**form, "version": reload(sprint).version})
    assert fresh.status_code == 302 and reload(sprint).goal == "Mine"


def test_a_stale_stage_edit_is_a_409_with_a_message(browser_client, scrum_master, pm, staged):
    stage = staged.stages.first()
    client = browser_client.as_user(scrum_master)
    url = f"{BASE}{staged.pk}/stages/{stage.pk}/"
    assertContains(client.get(url), f'name="version" value="{stage.version}"')
    dates = {"start_date": "2026-03-02", "end_date": "2026-03-06"}
    services.stage_update(actor=pm, stage=stage, name="Explore", goal="", start_date=day(0), end_date=day(4))
    stale = client.post(f"{url}edit/", {"name": "Mine", "goal": "", **dates, "version": stage.version})
    assertContains(stale, "Explore was changed by someone else since you opened it", status_code=409)
    assert SprintStage.objects.get(pk=stage.pk).name == "Explore"


def test_a_stale_assumption_mark_is_a_409_with_a_message(browser_client, member, scrum_master, staged):
    assumption = assumption_record(actor=member, sprint=staged, text="Enough GPUs", category="effort")
    client = browser_client.as_user(scrum_master)
    url = f"/p/recommender/hypotheses/assumptions/{assumption.pk}/"
    assertContains(client.get(f"{url}wrong/"), f'name="version" value="{assumption.version}"')
    assert client.post(f"{url}held/", {"version": assumption.version}).status_code == 302
    stale = client.post(
        f"{url}wrong/",
        {
            "note": "Too few",
            "place": "backlog",
            "version": assumption.version,
            "follow_ups-TOTAL_FORMS": "0",
            "follow_ups-INITIAL_FORMS": "0",
        },
    )
    assertContains(stale, "was changed by someone else since you opened it", status_code=409)
    held_again = client.post(f"{url}held/", {"version": assumption.version})
    assertContains(held_again, "was changed by someone else since you opened it", status_code=409)
    assert Assumption.objects.get().status == Assumption.Status.HELD


def test_a_stale_capacity_edit_is_a_409_fragment(browser_client, scrum_master, pm, member, sprint):
    services.sprint_update(actor=pm, sprint=sprint, goal="Changed meanwhile")
    response = browser_client.as_user(scrum_master).post(
        f"{BASE}{sprint.pk}/plan/capacity/",
        {
            "version": sprint.version,
            "capacity-TOTAL_FORMS": "1",
            "capacity-INITIAL_FORMS": "0",
            "capacity-0-person": member.pk,
            "capacity-0-points": "8",
            "capacity-0-days_off": "0",
        },
        headers={"HX-Request": "true"},
    )
    assertContains(response, "was changed by someone else", status_code=409)
    assert reload(sprint).capacity_points == Decimal(10)


def test_a_capacity_edit_without_a_version_is_refused(browser_client, scrum_master, member, sprint):
    """Issue 16: without a version the edit skipped the stale check; now the version is required."""
    response = browser_client.as_user(scrum_master).post(
        f"{BASE}{sprint.pk}/plan/capacity/",
        {
            "capacity-TOTAL_FORMS": "1",
            "capacity-INITIAL_FORMS": "0",
            "capacity-0-person": member.pk,
            "capacity-0-points": "8",
            "capacity-0-days_off": "0",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert reload(sprint).capacity_points == Decimal(10)


def test_the_capacity_fragment_shows_the_new_capacity_and_version(browser_client, scrum_master, member, sprint):
    client = browser_client.as_user(scrum_master)
    data = {
        "capacity-TOTAL_FORMS": "1",
        "capacity-INITIAL_FORMS": "0",
        "capacity-0-person": member.pk,
        "capacity-0-points": "5",
        "capacity-0-days_off": "0",
    }
    first = client.post(
        f"{BASE}{sprint.pk}/plan/capacity/", {**data, "version": sprint.version}, headers={"HX-Request": "true"}
    )
    assertContains(first, "5</strong> capacity")
    assertContains(first, f'name="version" value="{reload(sprint).version}"')
    second = client.post(
        f"{BASE}{sprint.pk}/plan/capacity/", {**data, "version": reload(sprint).version}, headers={"HX-Request": "true"}
    )
    assert second.status_code == 200


# --- Planning refusals ---------------------------------------------------------


def test_planning_into_a_stage_of_another_sprint_is_refused(
    browser_client, scrum_master, staged, make_sprint, make_item, product
):
    other = make_sprint(product, "Other", start=day(40), days=28, kind=Sprint.Kind.STAGED)
    item = make_item(product, points=3, status="ready")
    response = browser_client.as_user(scrum_master).post(
        f"{BASE}{staged.pk}/plan/add/",
        {"item": item.pk, "stage": other.stages.first().pk},
        headers={"HX-Request": "true"},
    )
    assertContains(response, "No such stage in Churn", status_code=400)
    assert not SprintItem.objects.exists()


def test_a_card_of_a_planned_sprint_does_not_move(browser_client, member, scrum_master, sprint, make_item, product):
    item = make_item(product, points=3, status="ready")
    services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
    response = browser_client.as_user(member).post(
        f"{BASE}{sprint.pk}/board/move/", {"item": item.pk, "status": "in_progress"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400 and "is not running" in response.content.decode()
    assert BacklogItem.objects.get(pk=item.pk).status == "ready"


# --- Sections other apps add to sprint pages ----------------------------------------


def test_sections_show_on_their_slot_only_to_roles_that_may_see_them(
    browser_client, monkeypatch, member, scrum_master, active
):
    from apps.accounts.permissions import Action
    from apps.products.sections import Sections
    from apps.sprints import sections

    monkeypatch.setitem(sections._sections, sections.SPRINT_REVIEW, Sections())
    sections.register(
        sections.SPRINT_REVIEW,
        template="partials/error.html",
        provider=lambda request, *, product, sprint: {"error": f"Retro of {sprint.name}"},
        needs=Action.PLAN_SPRINTS,
    )
    assertContains(browser_client.as_user(scrum_master).get(f"{BASE}{active.pk}/review/"), "Retro of Sprint 1")
    assertNotContains(browser_client.as_user(member).get(f"{BASE}{active.pk}/review/"), "Retro of Sprint 1")
    with pytest.raises(ValueError, match="No such slot"):
        sections.register(
            "sidebar", template="x.html", provider=lambda request, **objects: None, needs=Action.VIEW_SPRINTS
        )


def test_the_sprint_page_shows_its_assumptions_and_the_form_to_record_one(browser_client, member, staged):
    assumption_record(actor=member, sprint=staged, text="Labels are reliable", category="data_quality")
    page = browser_client.as_user(member).get(f"{BASE}{staged.pk}/")
    assertContains(page, "Labels are reliable")
    assertContains(page, "Record assumption")


def test_the_sprint_page_lists_each_item_with_status_points_and_how_it_entered(
    browser_client, member, scrum_master, active, make_item, product
):
    late = make_item(product, "Explain the drift", 2, status="ready")
    services.sprint_item_add(actor=scrum_master, sprint=active, item=late)
    BlockerFactory(item=late)
    html = browser_client.as_user(member).get(f"{BASE}{active.pk}/").content.decode()
    table = html[html.index('aria-label="Sprint items"') :]

    def row(title):
        start = table.index(title)
        return table[start : table.index("</tr>", start)]

    clean = BacklogItem.objects.get(title="Clean data")
    assert f'href="/p/recommender/backlog/items/{clean.number}/"' in table
    assert "<td>Ready</td>" in row("Clean data") and "<td>3</td>" in row("Clean data")
    assert "<td>committed</td>" in row("Train model")
    added_on = timezone.localtime(SprintItem.objects.get(item=late).added_at)
    assert f"<td>added {added_on.day} {added_on:%b}</td>" in row("Explain the drift")
    assert 'class="badge blocked"' in row("Explain the drift") and "<td>In the sprint</td>" in row("Explain the drift")
