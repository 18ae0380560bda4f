from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.backlog.models import BacklogItem
from apps.core.exceptions import Conflict
from apps.hypotheses import selectors, services
from apps.hypotheses.models import Assumption
from apps.sprints import services as sprints
from apps.sprints.models import Sprint, SprintItem
from tests.sprints.conftest import day, on


@pytest.fixture
def sprint(product, make_sprint, scrum_master):
    staged = make_sprint(product, "Churn model", days=28, kind=Sprint.Kind.STAGED)
    return sprints.sprint_start(actor=scrum_master, sprint=staged)


@pytest.fixture
def assumption(sprint, member):
    return services.assumption_record(
        actor=member, sprint=sprint, text="Two years of orders are available", category="data_availability"
    )


def test_the_team_records_assumptions_on_a_sprint(assumption, sprint, member):
    assert assumption.status == Assumption.Status.OPEN
    assert (assumption.product_id, assumption.sprint, assumption.created_by) == (sprint.product_id, sprint, member)


@pytest.mark.parametrize("text, category, field", [("", "effort", "text"), ("Data is clean", "luck", "category")])
def test_bad_assumptions_are_refused(sprint, member, text, category, field):
    with pytest.raises(ValidationError) as error:
        services.assumption_record(actor=member, sprint=sprint, text=text, category=category)
    assert field in error.value.message_dict
    assert not Assumption.objects.exists()


def test_marking_held_records_who_and_what(assumption, member):
    held = services.assumption_mark_held(actor=member, assumption=assumption, note="Checked the warehouse")
    assert (held.status, held.outcome_note, held.checked_by) == ("held", "Checked the warehouse", member)
    with pytest.raises(ValidationError, match="already marked held"):
        services.assumption_mark_held(actor=member, assumption=assumption)


def test_a_wrong_assumption_spawns_follow_ups_into_the_sprint_and_shows_its_cost(
    assumption, sprint, scrum_master, product
):
    modelling = sprint.stages.get(position=1)
    with on(day(3)):
        wrong = services.assumption_mark_wrong(
            actor=scrum_master,
            assumption=assumption,
            note="Only 9 months are kept",
            follow_ups=[
                {"title": "Request archive restore", "story_points": "2"},
                {
                    "title": "Backfill from logs",
                    "kind": "task",
                    "estimate_optimistic": 1,
                    "estimate_likely": 3,
                    "estimate_pessimistic": 11,
                },
            ],
            place=services.INTO_SPRINT,
            stage=modelling,
        )
    assert wrong.status == Assumption.Status.WRONG
    follow_ups = list(wrong.follow_up_items.order_by("number"))
    assert [item.title for item in follow_ups] == ["Request archive restore", "Backfill from logs"]
    entries = SprintItem.objects.filter(sprint=sprint, item__in=follow_ups)
    assert {entry.stage for entry in entries} == {modelling}
    cost = selectors.cost_of_wrong(list(selectors.assumptions(product)))
    assert (cost.wrong, cost.follow_ups, cost.points) == (1, 2, Decimal(2) + Decimal(4))  # (1 + 12 + 11) / 6 = 4


def test_follow_ups_can_go_to_the_backlog_top_instead(assumption, member, product):
    BacklogItem.objects.all().delete()
    services.assumption_mark_wrong(
        actor=member, assumption=assumption, note="Slower", follow_ups=[{"title": "Optimise"}], place="backlog"
    )
    item = assumption.follow_up_items.get()
    assert not SprintItem.objects.filter(item=item).exists()
    assert item.kind == BacklogItem.Kind.TASK


def test_team_members_may_not_put_follow_ups_into_the_sprint(api, browser_client, assumption, member):
    # The right to plan the sprint is checked at the door (the service trusts its callers): API 403, and the
    # page does not even offer the choice.
    response = api.as_user(member).post(
        f"/api/v1/products/recommender/assumptions/{assumption.pk}/wrong/",
        {"note": "No", "follow_ups": [{"title": "X"}], "place": services.INTO_SPRINT},
        format="json",
    )
    assert response.status_code == 403
    page = browser_client.as_user(member).post(
        f"/p/recommender/hypotheses/assumptions/{assumption.pk}/wrong/",
        {
            "note": "No",
            "place": services.INTO_SPRINT,
            "follow_ups-TOTAL_FORMS": "1",
            "follow_ups-INITIAL_FORMS": "0",
            "follow_ups-0-title": "X",
            "follow_ups-0-kind": "task",
        },
    )
    assert page.status_code == 400
    assert Assumption.objects.get().status == Assumption.Status.OPEN
    assert not BacklogItem.objects.filter(title="X").exists()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"note": "", "follow_ups": []}, "turned out"),
        ({"note": "No", "follow_ups": [{"title": ""}]}, "needs a title"),
        ({"note": "No", "follow_ups": [{"title": "A"}, {"title": "B", "story_points": "lots"}]}, "not a number"),
        ({"note": "No", "follow_ups": [{"title": "A", "kind": "epic"}]}, "other than epic"),
        ({"note": "No", "follow_ups": [], "place": "roadmap"}, "Place the follow-ups"),
    ],
)
def test_bad_wrong_marks_change_nothing(assumption, scrum_master, kwargs, message):
    before = BacklogItem.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.assumption_mark_wrong(actor=scrum_master, assumption=assumption, **kwargs)
    assert BacklogItem.objects.count() == before
    assert Assumption.objects.get().status == Assumption.Status.OPEN


def test_a_stale_mark_is_a_conflict(assumption, member):
    services.assumption_mark_held(actor=member, assumption=assumption, expected_version=1)
    with pytest.raises(Conflict):
        services.assumption_mark_wrong(actor=member, assumption=assumption, note="x", follow_ups=[], expected_version=1)


def test_assumptions_of_a_closed_sprint_are_final(assumption, sprint, scrum_master, member):
    for stage in sprint.stages.all():
        sprints.stage_close(actor=scrum_master, stage=stage, override_reason="Demo")
    sprints.sprint_close(actor=scrum_master, sprint=sprint, decisions={})
    with pytest.raises(ValidationError, match="closed"):
        services.assumption_mark_held(actor=member, assumption=assumption)
    with pytest.raises(ValidationError, match="closed"):
        services.assumption_record(actor=member, sprint=Sprint.objects.get(), text="Late", category="effort")
