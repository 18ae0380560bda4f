"""Fixes the delivery report depends on: a planned sprint's items are its
commitment, an early start asks about the dates, an early close says how early,
and a stage with unfinished items asks what becomes of them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.sprints import selectors, services
from apps.sprints.models import ScopeEvent, Sprint, SprintItem
from tests.sprints.conftest import MONDAY, day, finish, on, reload

BASE = "/p/recommender/sprints/"


def _add(scrum_master, sprint, item, stage=None):
    return services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item, stage=stage)


def test_carried_over_items_are_the_next_sprints_commitment_before_it_starts(
    product, scrum_master, make_sprint, make_item
):
    sprint = make_sprint(product)
    done, open_ = make_item(product, "Done", 3, status="ready"), make_item(product, "Open", 7, status="ready")
    _add(scrum_master, sprint, done)
    _add(scrum_master, sprint, open_)
    with on(day(0)):
        services.sprint_start(actor=scrum_master, sprint=sprint)
    finish(scrum_master, done)
    with on(day(4)):
        _, next_sprint = services.sprint_close(
            actor=scrum_master, sprint=reload(sprint), decisions={open_.pk: services.CARRY_OVER}
        )
    figures = selectors.sprint_figures(next_sprint)
    # It was "Committed 0 / Added 7 / Scope change +7" before the fix.
    assert (figures.committed, figures.added, figures.scope_change) == (Decimal(7), Decimal(0), Decimal(0))
    with on(next_sprint.start_date):
        started = services.sprint_start(actor=scrum_master, sprint=next_sprint)
    assert selectors.sprint_figures(started).committed == Decimal(7)


def test_a_sprint_started_before_its_first_day_can_move_its_dates_to_today(product, scrum_master, make_sprint):
    sprint = make_sprint(product, start=MONDAY + datetime.timedelta(days=14), days=10)
    with on(MONDAY):
        started = services.sprint_start(actor=scrum_master, sprint=sprint, move_dates_to_today=True)
    assert (started.start_date, started.end_date, started.status) == (MONDAY, day(9), Sprint.Status.ACTIVE)


def test_a_sprint_started_early_may_keep_its_dates(product, scrum_master, make_sprint):
    sprint = make_sprint(product, start=MONDAY + datetime.timedelta(days=14))
    with on(MONDAY):
        started = services.sprint_start(actor=scrum_master, sprint=sprint)
    assert started.start_date == MONDAY + datetime.timedelta(days=14)


def test_moving_a_staged_sprint_moves_its_stages_too(product, scrum_master, make_sprint):
    sprint = make_sprint(product, start=MONDAY + datetime.timedelta(days=7), days=28, kind=Sprint.Kind.STAGED)
    with on(MONDAY):
        services.sprint_start(actor=scrum_master, sprint=sprint, move_dates_to_today=True)
    stages = list(sprint.stages.order_by("position"))
    assert (stages[0].start_date, stages[-1].end_date) == (MONDAY, day(27))


def test_moving_dates_onto_another_sprint_is_refused_and_nothing_starts(product, scrum_master, make_sprint):
    make_sprint(product, "Earlier", start=MONDAY, days=5)
    later = make_sprint(product, "Later", start=MONDAY + datetime.timedelta(days=14), days=5)
    with on(MONDAY), pytest.raises(ValidationError, match="overlap Earlier"):
        services.sprint_start(actor=scrum_master, sprint=later, move_dates_to_today=True)
    assert reload(later).status == Sprint.Status.PLANNED
    assert reload(later).start_date == MONDAY + datetime.timedelta(days=14)


def test_the_start_button_asks_before_starting_a_sprint_whose_dates_are_ahead(
    browser_client, product, scrum_master, make_sprint
):
    sprint = make_sprint(product, start=MONDAY + datetime.timedelta(days=14))
    client = browser_client.as_user(scrum_master)
    with on(MONDAY):
        asked = client.post(f"{BASE}{sprint.pk}/start/")
        assert asked.status_code == 200
        assert "14 days away" in asked.content.decode()
        assert reload(sprint).status == Sprint.Status.PLANNED
        moved = client.post(f"{BASE}{sprint.pk}/start/", {"dates": "move"})
    assert moved.status_code == 302
    assert (reload(sprint).status, reload(sprint).start_date) == (Sprint.Status.ACTIVE, MONDAY)


def test_the_start_button_starts_a_sprint_due_today_without_asking(browser_client, product, scrum_master, make_sprint):
    sprint = make_sprint(product)
    with on(MONDAY):
        response = browser_client.as_user(scrum_master).post(f"{BASE}{sprint.pk}/start/")
    assert response.status_code == 302
    assert reload(sprint).status == Sprint.Status.ACTIVE


def test_a_bad_dates_answer_is_a_form_error(browser_client, product, scrum_master, make_sprint):
    sprint = make_sprint(product, start=MONDAY + datetime.timedelta(days=14))
    with on(MONDAY):
        response = browser_client.as_user(scrum_master).post(f"{BASE}{sprint.pk}/start/", {"dates": "sideways"})
    assert response.status_code == 400
    assert reload(sprint).status == Sprint.Status.PLANNED


def test_closing_early_says_how_many_days_were_left(browser_client, product, scrum_master, make_sprint):
    sprint = make_sprint(product, days=10)
    with on(day(0)):
        services.sprint_start(actor=scrum_master, sprint=sprint)
    client = browser_client.as_user(scrum_master)
    with on(day(6)):
        page = client.get(f"{BASE}{sprint.pk}/close/").content.decode()
        closed = client.post(f"{BASE}{sprint.pk}/close/", {"version": reload(sprint).version}, follow=True)
    assert "Closing 3 days early" in page
    assert "closed 3 days early" in closed.content.decode()
    with on(day(9)):
        assert selectors.days_left(reload(sprint)) == 0


@pytest.fixture
def staged_with_work(product, scrum_master, make_sprint, make_item):
    sprint = make_sprint(product, "Churn", days=28, kind=Sprint.Kind.STAGED)
    first = sprint.stages.get(position=0)
    open_item = make_item(product, "Profile data", 3, status="ready")
    done_item = make_item(product, "Get access", 2, status="ready")
    _add(scrum_master, sprint, open_item, first)
    _add(scrum_master, sprint, done_item, first)
    with on(day(0)):
        services.sprint_start(actor=scrum_master, sprint=sprint)
    finish(scrum_master, done_item)
    first.exit_criteria.update(met=True)
    return sprint, first, open_item


def test_closing_a_stage_with_unfinished_items_asks_what_happens_to_them(scrum_master, staged_with_work):
    sprint, first, open_item = staged_with_work
    with pytest.raises(ValidationError, match=r"1 item of Data analysis and planning is not finished \(#\d+\)"):
        services.stage_close(actor=scrum_master, stage=first)
    assert not reload(sprint).stages.get(position=0).is_closed


def test_unfinished_items_move_to_the_next_stage(scrum_master, staged_with_work):
    sprint, first, open_item = staged_with_work
    services.stage_close(actor=scrum_master, stage=first, unfinished="next_stage")
    entry = SprintItem.objects.get(item=open_item)
    assert (entry.stage.position, entry.outcome) == (1, SprintItem.Outcome.OPEN)


def test_unfinished_items_return_to_the_backlog_as_removed_scope(scrum_master, staged_with_work):
    sprint, first, open_item = staged_with_work
    services.stage_close(actor=scrum_master, stage=first, unfinished="backlog")
    entry = SprintItem.objects.get(item=open_item)
    assert entry.outcome == SprintItem.Outcome.REMOVED
    assert ScopeEvent.objects.filter(sprint_item=entry, kind=ScopeEvent.Kind.REMOVED).count() == 1
    assert selectors.sprint_figures(reload(sprint)).removed == Decimal(3)


def test_the_last_stage_has_no_next_stage(scrum_master, staged_with_work, product, make_item):
    sprint, first, _ = staged_with_work
    services.stage_close(actor=scrum_master, stage=first, unfinished="sprint")
    stages = list(sprint.stages.order_by("position"))
    last_item = make_item(product, "Ship", 1, status="ready")
    _add(scrum_master, sprint, last_item, stages[-1])
    for stage in stages[1:-1]:
        services.stage_close(actor=scrum_master, stage=stage, override_reason="x", unfinished="sprint")
    with pytest.raises(ValidationError, match="last stage"):
        services.stage_close(actor=scrum_master, stage=stages[-1], override_reason="x", unfinished="next_stage")


def test_the_stage_page_offers_the_choices_and_a_missing_answer_is_a_400(
    browser_client, scrum_master, staged_with_work
):
    sprint, first, _ = staged_with_work
    client = browser_client.as_user(scrum_master)
    url = f"{BASE}{sprint.pk}/stages/{first.pk}/"
    page = client.get(url).content.decode()
    assert "Move them to Modelling" in page
    refused = client.post(f"{url}close/", {})
    assert refused.status_code == 400
    assert "not finished" in refused.content.decode()
    closed = client.post(f"{url}close/", {"unfinished": "next_stage"})
    assert closed.status_code == 302
