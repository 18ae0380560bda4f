"""Experiments: recording a result proposes the hypothesis status (the PM
confirms), writes the learning log, tells the requesters of linked requests
through the requests outbox, and shows on the sprint review."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apps.hypotheses import services
from apps.hypotheses.models import Experiment, Hypothesis, LearningEntry
from apps.notifications.models import Notification
from apps.requests.models import RequestEvent
from tests.factories import StakeholderRequestFactory
from tests.hypotheses.conftest import conclude


@pytest.fixture
def experiment(testing, member):
    return services.experiment_create(
        actor=member, hypothesis=testing, title="Offline evaluation on March logs", method="offline_evaluation"
    )


def record(member, experiment, **results):
    return services.experiment_record_result(
        actor=member, experiment=experiment, conclusion=results.pop("conclusion", "As measured."), **results
    )


def test_a_result_that_misses_the_target_proposes_invalidated(experiment, member, testing):
    recorded = record(member, experiment, observed_value=Decimal("2.4"))
    assert (recorded.status, recorded.proposed_status, recorded.concluded_by) == ("concluded", "invalidated", member)
    hypothesis = Hypothesis.objects.get(pk=testing.pk)
    assert (hypothesis.status, hypothesis.proposed_status, hypothesis.proposed_by) == (
        "testing",
        "invalidated",
        recorded,
    )


def test_the_pm_confirms_the_proposal_and_it_is_answered(experiment, member, testing, pm):
    record(member, experiment, observed_value=Decimal("3.3"))
    hypothesis = conclude(pm, Hypothesis.objects.get(pk=testing.pk), "validated", learning="Recency works.")
    assert (hypothesis.status, hypothesis.proposed_status, hypothesis.proposed_by) == ("validated", "", None)


def test_on_a_lower_is_better_metric_a_lower_value_validates(state, load_time, pm, member):
    hypothesis = services.hypothesis_set_status(actor=pm, hypothesis=state(load_time), status="testing")
    fast = services.experiment_create(actor=member, hypothesis=hypothesis, title="Cache", method="backtest")
    assert record(member, fast, observed_value=Decimal("1.7")).proposed_status == "validated"
    slow = services.experiment_create(actor=member, hypothesis=hypothesis, title="CDN", method="backtest")
    assert record(member, slow, observed_value=Decimal("3.1")).proposed_status == "invalidated"


def test_an_ab_test_uses_the_treatment_and_its_interval(testing, member):
    ab = services.experiment_create(actor=member, hypothesis=testing, title="A/B recency", method="ab_test")
    recorded = record(
        member,
        ab,
        control_value=Decimal("2.1"),
        treatment_value=Decimal("3.05"),
        control_size=40_000,
        treatment_size=40_000,
        interval_low=Decimal("2.8"),
        interval_high=Decimal("3.3"),
        interval_level=95,
    )
    assert recorded.observed_value == Decimal("3.05")
    assert recorded.proposed_status == "inconclusive"  # the interval straddles the target of 3
    assert "control 2.1 % (n=40000), treatment 3.05 % (n=40000)" in services.observed_summary(recorded, "%")


def test_an_observed_value_on_a_hypothesis_with_no_metric_is_refused_and_changes_nothing(state, member):
    hypothesis = state(None)
    experiment = services.experiment_create(actor=member, hypothesis=hypothesis, title="Look", method="analysis")
    with pytest.raises(ValidationError) as error:
        record(member, experiment, observed_value=Decimal("2"))
    assert "has no metric" in " ".join(error.value.message_dict["observed_value"])
    experiment.refresh_from_db()
    assert (experiment.status, experiment.observed_value, experiment.version) == ("planned", None, 1)
    assert not LearningEntry.objects.exists()


def test_a_result_without_figures_concludes_without_a_proposal(state, member):
    interviews = services.experiment_create(
        actor=member, hypothesis=state(None), title="Five shopper interviews", method="user_interview"
    )
    recorded = record(member, interviews, conclusion="Shoppers ignore the carousel.")
    assert (recorded.status, recorded.proposed_status) == ("concluded", "")
    assert LearningEntry.objects.get().kind == "experiment"


@pytest.mark.parametrize(
    "results, field",
    [
        ({"observed_value": Decimal("3"), "interval_low": Decimal("2")}, "interval_high"),
        (
            {"observed_value": Decimal("3"), "interval_low": Decimal("3.5"), "interval_high": Decimal("3.1")},
            "interval_high",
        ),
        ({"observed_value": Decimal("5"), "interval_low": Decimal("2"), "interval_high": Decimal("3")}, "interval_low"),
        ({"control_value": Decimal("2")}, "observed_value"),
        ({"conclusion": "  ", "observed_value": Decimal("3")}, "conclusion"),
    ],
)
def test_bad_results_are_refused_on_their_field(experiment, member, results, field):
    with pytest.raises(ValidationError) as error:
        record(member, experiment, **results)
    assert field in error.value.message_dict
    assert Experiment.objects.get(pk=experiment.pk).status == "planned"


def test_a_concluded_experiment_is_not_recorded_twice(experiment, member):
    record(member, experiment, observed_value=Decimal("2.4"))
    with pytest.raises(ValidationError, match="already concluded"):
        record(member, experiment, observed_value=Decimal("3.4"))


def test_no_experiment_is_planned_on_a_concluded_hypothesis(testing, pm, member):
    conclude(pm, testing)
    with pytest.raises(ValidationError, match="back to testing"):
        services.experiment_create(actor=member, hypothesis=testing, title="More", method="analysis")


def test_an_experiment_ends_after_it_starts_and_in_this_products_sprint(testing, member, make_sprint, other_product):
    import datetime

    with pytest.raises(ValidationError) as error:
        services.experiment_create(
            actor=member,
            hypothesis=testing,
            title="Backwards",
            method="analysis",
            started_on=datetime.date(2026, 3, 10),
            ended_on=datetime.date(2026, 3, 1),
        )
    assert "ended_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.experiment_create(
            actor=member, hypothesis=testing, title="Elsewhere", method="analysis", sprint=make_sprint(other_product)
        )
    assert "sprint" in error.value.message_dict


def test_the_requesters_of_linked_requests_are_told_through_the_outbox(
    experiment, testing, member, pm, product, stakeholder, django_capture_on_commit_callbacks
):
    motivating = StakeholderRequestFactory(product=product, requester=stakeholder)
    services.hypothesis_link_requests(actor=pm, hypothesis=testing, requests=[motivating])
    with django_capture_on_commit_callbacks(execute=True):
        record(
            member, experiment, observed_value=Decimal("2.4"), tell_requesters="Recency did not help; next: diversity."
        )
    event = RequestEvent.objects.get(request=motivating)
    assert (event.kind, event.note, event.actor) == ("finding", "Recency did not help; next: diversity.", member)
    assert Notification.objects.get(key=f"requests.event:{event.pk}").recipient == stakeholder
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [stakeholder.email]
    assert "has news: an experiment concluded" in mail.outbox[0].subject
    assert "Recency did not help" in mail.outbox[0].body
    assert motivating.status == "new"  # a finding moves no request


def test_without_a_note_requesters_hear_nothing_of_the_unpublished_hypothesis(
    experiment, testing, member, pm, product, stakeholder, django_capture_on_commit_callbacks
):
    services.hypothesis_link_requests(
        actor=pm, hypothesis=testing, requests=[StakeholderRequestFactory(product=product, requester=stakeholder)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        record(member, experiment, observed_value=Decimal("2.4"), conclusion="Internal: the ranker regressed.")
    body = mail.outbox[0].body
    assert services.DEFAULT_FINDING_NOTE in body
    assert "regressed" not in body and testing.change not in body


def test_a_concluded_experiment_is_on_the_review_of_its_sprint(
    experiment, member, scrum_master, make_sprint, product, browser_client
):
    sprint = make_sprint(product)
    services.experiment_update(actor=member, experiment=experiment, expected_version=1, sprint=sprint)
    record(member, Experiment.objects.get(pk=experiment.pk), observed_value=Decimal("2.4"))
    response = browser_client.as_user(scrum_master).get(f"/p/recommender/sprints/{sprint.pk}/review/")
    body = response.content.decode()
    assert "Experiments concluded" in body and "Offline evaluation on March logs" in body
    assert "proposes invalidated" in body
