"""Hypotheses through their services: the statement, the status workflow and
its decisions, publishing, test items and links, versions and history."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.backlog.models import BacklogItem
from apps.core.exceptions import Conflict
from apps.hypotheses import services
from apps.hypotheses.models import Hypothesis, HypothesisItem, LearningEntry
from apps.hypotheses.selectors import hypothesis_history
from tests.factories import OutcomeMetricFactory, StakeholderRequestFactory
from tests.hypotheses.conftest import conclude, publish

Status = Hypothesis.Status


def test_hypotheses_are_numbered_per_product_and_start_proposed(state, metric, other_product, pm):
    first, second = state(metric), state(metric)
    assert (first.number, second.number, first.status) == (1, 2, Status.PROPOSED)
    assert first.statement == (
        "We believe re-ranking by recent views for returning shoppers will result in more clicks on "
        "recommendations. We will know when Click-through rate moves from 2 to 3 %."
    )


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"change": "  "}, "change"),
        ({"audience": ""}, "audience"),
        ({"metric_text": "Basket size"}, "metric_text"),  # and an outcome metric: one or the other
        ({"confidence_before": 140}, "confidence_before"),
    ],
)
def test_a_malformed_hypothesis_is_refused_on_its_field_and_nothing_is_saved(state, metric, fields, field):
    with pytest.raises(ValidationError) as error:
        state(metric, **fields)
    assert field in error.value.message_dict
    assert not Hypothesis.objects.exists()


def test_a_metric_of_another_product_is_refused(state, other_product):
    with pytest.raises(ValidationError) as error:
        state(OutcomeMetricFactory(product=other_product))
    assert "metric" in error.value.message_dict


def test_the_owner_is_someone_on_the_team(state, metric, stakeholder, member):
    with pytest.raises(ValidationError) as error:
        state(metric, owner=stakeholder)
    assert "owner" in error.value.message_dict
    assert state(metric, owner=member).owner == member


# --- the status workflow -----------------------------------------------------------


def test_the_workflow_proposed_testing_concluded_and_back_with_a_reason(state, metric, pm):
    hypothesis = state(metric)
    hypothesis = services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status="testing")
    hypothesis = conclude(pm, hypothesis, "validated")
    assert hypothesis.status == Status.VALIDATED and hypothesis.concluded_at is not None
    hypothesis = services.hypothesis_set_status(
        actor=pm, hypothesis=hypothesis, status="testing", reason="The lift faded in week three."
    )
    assert (hypothesis.status, hypothesis.status_reason, hypothesis.concluded_at) == (
        "testing",
        "The lift faded in week three.",
        None,
    )


@pytest.mark.parametrize(
    "start, target, message",
    [
        ("proposed", "validated", "concluded only after it has been tested"),
        ("proposed", "inconclusive", "concluded only after it has been tested"),
        ("testing", "proposed", "Testing to Proposed"),
        ("validated", "invalidated", "goes back to testing first"),
        ("invalidated", "proposed", "goes back to testing first"),
        ("testing", "testing", "already testing"),
        ("testing", "abandoned", "Unknown status"),
    ],
)
def test_a_status_jump_that_is_not_allowed_is_refused_and_changes_nothing(state, metric, pm, start, target, message):
    hypothesis = state(metric)
    if start != "proposed":
        hypothesis = services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status="testing")
    if start in Hypothesis.CONCLUDED:
        hypothesis = conclude(pm, hypothesis, start)
    before = Hypothesis.objects.get(pk=hypothesis.pk)
    with pytest.raises(ValidationError, match=message):
        services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status=target, learning="x")
    after = Hypothesis.objects.get(pk=hypothesis.pk)
    assert (after.status, after.version) == (before.status, before.version)


def test_going_back_to_testing_needs_a_reason(testing, pm):
    hypothesis = conclude(pm, testing)
    with pytest.raises(ValidationError) as error:
        services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status="testing", reason="  ")
    assert "reason" in error.value.message_dict


def test_testing_needs_a_metric_and_a_target(state, pm):
    hypothesis = state(None)
    with pytest.raises(ValidationError, match="give it a metric and a target"):
        services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status="testing")
    hypothesis = services.hypothesis_update(
        actor=pm, hypothesis=hypothesis, expected_version=hypothesis.version, metric_text="Basket size", target=4
    )
    assert services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status="testing").status == "testing"


def test_concluding_needs_what_we_learned(testing, pm):
    with pytest.raises(ValidationError) as error:
        services.hypothesis_set_status(actor=pm, hypothesis=testing, status="validated")
    assert "learning" in error.value.message_dict


def test_a_hypothesis_under_test_keeps_its_metric_and_target(testing, pm):
    with pytest.raises(ValidationError) as error:
        services.hypothesis_update(actor=pm, hypothesis=testing, expected_version=testing.version, target=None)
    assert "target" in error.value.message_dict


def test_a_decision_is_a_line_in_the_learning_log(testing, pm):
    hypothesis = services.hypothesis_set_status(
        actor=pm,
        hypothesis=testing,
        status="invalidated",
        learning="Recency alone does not move clicks.",
        next_step="Try diversity instead.",
        confidence_after=20,
    )
    entry = LearningEntry.objects.get()
    assert (entry.kind, entry.status, entry.learned, entry.next_step, entry.actor) == (
        "decision",
        "invalidated",
        "Recency alone does not move clicks.",
        "Try diversity instead.",
        pm,
    )
    assert entry.believed == hypothesis.statement
    assert hypothesis.confidence_after == 20


def test_a_stale_decision_is_refused(testing, pm):
    services.hypothesis_update(actor=pm, hypothesis=testing, expected_version=testing.version, evidence="New paper")
    with pytest.raises(Conflict):
        services.hypothesis_set_status(
            actor=pm, hypothesis=testing, status="validated", learning="x", expected_version=testing.version
        )
    assert Hypothesis.objects.get(pk=testing.pk).status == "testing"


# --- publishing -----------------------------------------------------------------------------


def test_only_a_concluded_hypothesis_with_a_learning_is_published(testing, pm):
    with pytest.raises(ValidationError, match="only a concluded hypothesis"):
        publish(pm, testing)
    hypothesis = publish(pm, conclude(pm, testing))
    assert hypothesis.is_published and hypothesis.published_by == pm
    hypothesis = services.hypothesis_publish(actor=pm, hypothesis=hypothesis, published=False)
    assert not hypothesis.is_published


def test_reopening_a_published_hypothesis_takes_it_off_the_stakeholders_view(testing, pm):
    hypothesis = publish(pm, conclude(pm, testing))
    hypothesis = services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status="testing", reason="New data")
    assert not hypothesis.is_published


# --- test items and links --------------------------------------------------------------------


def test_the_pm_creates_the_items_that_test_it_in_one_step(testing, pm, product):
    items = services.hypothesis_create_test_items(
        actor=pm,
        hypothesis=testing,
        items=[
            {"title": "Offline evaluation of recency ranking", "story_points": "3"},
            {"title": "", "kind": "task"},  # an empty row is skipped
            {"title": "A/B test recency ranking", "kind": "experiment"},
        ],
    )
    assert [item.title for item in items] == ["Offline evaluation of recency ranking", "A/B test recency ranking"]
    assert all(item.kind == BacklogItem.Kind.EXPERIMENT for item in items)
    assert items[0].story_points == Decimal("3")
    assert set(testing.test_items.all()) == set(items)
    assert "Tests hypothesis H-1" in items[0].description


def test_a_bad_test_item_refuses_them_all(testing, pm):
    with pytest.raises(ValidationError):
        services.hypothesis_create_test_items(
            actor=pm, hypothesis=testing, items=[{"title": "Fine"}, {"title": "Epic", "kind": "epic"}]
        )
    assert not BacklogItem.objects.exists()
    with pytest.raises(ValidationError, match="at least one"):
        services.hypothesis_create_test_items(actor=pm, hypothesis=testing, items=[{"title": " "}])


def test_items_and_requests_of_another_product_are_not_linked(testing, pm, make_item, other_product):
    with pytest.raises(ValidationError):
        services.hypothesis_link_items(actor=pm, hypothesis=testing, items=[make_item(other_product)])
    with pytest.raises(ValidationError):
        services.hypothesis_link_requests(
            actor=pm, hypothesis=testing, requests=[StakeholderRequestFactory(product=other_product)]
        )
    assert not HypothesisItem.objects.exists()


def test_linking_twice_links_once(testing, pm, make_item):
    item = make_item()
    assert services.hypothesis_link_items(actor=pm, hypothesis=testing, items=[item]) == 1
    assert services.hypothesis_link_items(actor=pm, hypothesis=testing, items=[item]) == 0


def test_the_history_says_who_changed_what(testing, pm):
    services.hypothesis_update(
        actor=pm, hypothesis=testing, expected_version=testing.version, target=Decimal("3.5"), notes="secret"
    )
    history = hypothesis_history(Hypothesis.objects.get(pk=testing.pk), internal=False)
    changes = [change for entry in history for change in entry["changes"]]
    assert ("target", "3.0000", "3.5000") in changes
    assert ("status", "Proposed", "Testing") in changes
    assert not any(change[0] == "notes" for change in changes)
    assert history[0]["who"] == pm
