"""Stored forecasts: what they are computed from, the not-enough-history
path, idempotent recomputation, the flag for a big move, and the triggers."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.backlog import services as backlog
from apps.backlog.models import BacklogItem
from apps.roadmap import forecasting, services, tasks
from apps.roadmap.models import Forecast
from tests.roadmap.conftest import backlog as make_items
from tests.roadmap.conftest import closed_sprints, epic


def forecast_of(item):
    return Forecast.objects.get(roadmap_item=item)


def test_too_little_history_says_so_and_gives_no_date(make_roadmap_item, pm, product):
    closed_sprints(product, 10, 12)
    item = make_roadmap_item("x", backlog_items=make_items(product, 3, 5))
    forecasting.recompute(product_id=product.pk)
    stored = forecast_of(item)
    assert stored.outcome == Forecast.Outcome.NOT_ENOUGH_HISTORY
    assert (stored.p50, stored.p85, stored.p95, stored.histogram) == (None, None, None, [])
    assert "3 closed sprints (this product has 2)" in stored.message
    assert "10 finished backlog items (it has 0)" in stored.message


def test_points_per_sprint_from_closed_sprints(make_roadmap_item, product):
    closed_sprints(product, 10, 10, 10)
    done = make_items(product, 5, status=BacklogItem.Status.DONE)
    item = make_roadmap_item("x", backlog_items=[*done, *make_items(product, 10, 10, 5)])
    today = timezone.localdate()
    forecasting.recompute(product_id=product.pk, today=today)
    stored = forecast_of(item)
    assert stored.outcome == Forecast.Outcome.FORECAST
    # 25 points left at exactly 10 per 14 days: 35 days in every run.
    assert stored.p50 == stored.p85 == stored.p95 == today + datetime.timedelta(days=35)
    assert stored.inputs["method"] == "points per sprint"
    assert stored.inputs["history"] == [10.0, 10.0, 10.0]
    assert stored.inputs["remaining_items"] == 3
    assert stored.computed_at is not None and stored.start == today


def test_unestimated_items_count_at_the_median_size(make_roadmap_item, product):
    closed_sprints(product, 10, 10, 10)
    item = make_roadmap_item("x", backlog_items=make_items(product, 4, 6, None))
    forecasting.recompute(product_id=product.pk)
    inputs = forecast_of(item).inputs
    assert (inputs["unestimated_items"], inputs["unestimated_counted_as"]) == (1, 5.0)


def test_items_per_week_when_there_are_no_sprints(make_roadmap_item, product):
    make_items(product, *[None] * 12, status=BacklogItem.Status.DONE)
    item = make_roadmap_item("x", backlog_items=make_items(product, None, None))
    forecasting.recompute(product_id=product.pk)
    stored = forecast_of(item)
    assert stored.outcome == Forecast.Outcome.FORECAST
    assert stored.inputs["method"] == "items per week" and stored.inputs["history"] == [12]


def test_an_epic_is_forecast_from_its_items(product):
    closed_sprints(product, 10, 10, 10)
    ranking_epic = epic(product)
    make_items(product, 8, 12, parent=ranking_epic)
    forecasting.recompute(product_id=product.pk)
    stored = Forecast.objects.get(epic=ranking_epic)
    assert stored.p85 == timezone.localdate() + datetime.timedelta(days=28)


def test_nothing_linked_and_nothing_left(make_roadmap_item, product):
    closed_sprints(product, 10, 10, 10)
    empty = make_roadmap_item("empty")
    finished = make_roadmap_item("finished", backlog_items=make_items(product, 3, status=BacklogItem.Status.DONE))
    forecasting.recompute(product_id=product.pk)
    assert forecast_of(empty).outcome == Forecast.Outcome.NO_LINKED_WORK
    assert forecast_of(finished).outcome == Forecast.Outcome.NO_REMAINING_WORK


def test_recomputing_twice_changes_nothing_the_second_time(make_roadmap_item, product):
    closed_sprints(product, 8, 13, 21)
    item = make_roadmap_item("x", backlog_items=make_items(product, 3, 5, 8))
    first = forecasting.recompute(product_id=product.pk)
    stored = forecast_of(item)
    second = forecasting.recompute(product_id=product.pk)
    assert len(first.changed) == 1 and not second.changed and second.unchanged == 1
    again = forecast_of(item)
    assert (again.computed_at, again.p85, again.histogram) == (stored.computed_at, stored.p85, stored.histogram)
    assert Forecast.objects.count() == 1
    assert tasks.recompute_forecasts(product.pk) == 0


def test_a_move_of_more_than_a_week_is_flagged(make_roadmap_item, product):
    closed_sprints(product, 10, 10, 10)
    items = make_items(product, 10, 10)
    item = make_roadmap_item("x", backlog_items=items)
    forecasting.recompute(product_id=product.pk)
    assert not forecast_of(item).flagged
    BacklogItem.objects.filter(pk=items[0].pk).update(story_points=Decimal(20))  # ten more points: two more weeks
    forecasting.recompute(product_id=product.pk)
    stored = forecast_of(item)
    assert stored.flagged and stored.moved_days == 14
    assert stored.previous_p85 == stored.p85 - datetime.timedelta(days=14)


def test_closing_a_sprint_recomputes_after_commit(make_roadmap_item, pm, product, django_capture_on_commit_callbacks):
    from apps.sprints import events

    item = make_roadmap_item("x", backlog_items=make_items(product, 3))
    sprint = closed_sprints(product, 10, 10, 10)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        events.sprint_closed(sprint=sprint, actor=pm)
    assert forecast_of(item).outcome == Forecast.Outcome.FORECAST


def test_changing_an_estimate_of_linked_work_recomputes(
    make_roadmap_item, pm, product, django_capture_on_commit_callbacks
):
    closed_sprints(product, 10, 10, 10)
    ranking_epic = epic(product)
    child = make_items(product, 10, parent=ranking_epic)[0]
    item = make_roadmap_item("x", epics=[ranking_epic])
    forecasting.recompute(product_id=product.pk)
    before = forecast_of(item).p85
    with django_capture_on_commit_callbacks(execute=True):
        backlog.item_update(actor=pm, item=child, expected_version=child.version, story_points=Decimal(30))
    assert forecast_of(item).p85 == before + datetime.timedelta(days=28)
    assert Forecast.objects.get(epic=ranking_epic).p85 == forecast_of(item).p85


def test_linking_work_recomputes_after_commit(make_roadmap_item, pm, product, django_capture_on_commit_callbacks):
    closed_sprints(product, 10, 10, 10)
    item = make_roadmap_item("x")
    with django_capture_on_commit_callbacks(execute=True):
        services.item_update(actor=pm, item=item, expected_version=1, backlog_items=make_items(product, 5))
    assert forecast_of(item).p85 == timezone.localdate() + datetime.timedelta(days=7)


def test_a_broker_that_is_down_does_not_fail_the_change(
    make_roadmap_item, pm, product, monkeypatch, caplog, tasks_sent_to_a_broker
):
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(tasks.recompute_forecasts, "delay", refuse)
    forecasting.recompute_after_commit(product.pk, everything=True)
    forecasting._flush()
    assert "could not queue roadmap.recompute_forecasts" in caplog.text


def test_the_nightly_task_recomputes_every_product_with_a_roadmap(make_roadmap_item, product):
    closed_sprints(product, 10, 10, 10)
    item = make_roadmap_item("x", backlog_items=make_items(product, 3))
    assert tasks.recompute_all_forecasts() == 1
    assert forecast_of(item).outcome == Forecast.Outcome.FORECAST


def test_a_new_item_outside_an_epic_asks_nothing_of_the_roadmap(make_roadmap_item, pm, product):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_roadmap_item()
    with CaptureQueriesContext(connection) as ctx:
        backlog.item_create(actor=pm, product=product, title="Quick add")
    assert not [q for q in ctx if "roadmap_" in q["sql"]]
    with CaptureQueriesContext(connection) as ctx:
        backlog.item_create(actor=pm, product=product, title="Into an epic", parent=epic(product))
    assert [q for q in ctx if "roadmap_" in q["sql"]]  # the epic may be on the roadmap
