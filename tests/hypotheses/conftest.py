import pytest

from apps.hypotheses import services
from apps.products.models import OutcomeMetric
from tests.factories import OutcomeMetricFactory

# Assumptions live on sprints: reuse the sprint tests' builders.
from tests.sprints.conftest import make_sprint  # noqa: F401


@pytest.fixture
def metric(product):
    """Click-through rate, higher is better, from 2 % to 3 %."""
    return OutcomeMetricFactory(
        product=product, name="Click-through rate", unit="%", baseline=2, target=3, direction="increase"
    )


@pytest.fixture
def load_time(product):
    """Page load time, lower is better, from 6.5 s to 2 s."""
    return OutcomeMetricFactory(
        product=product,
        name="Load time p95",
        unit="s",
        baseline="6.5",
        target=2,
        direction=OutcomeMetric.Direction.DECREASE,
    )


@pytest.fixture
def state(pm, product):
    """A hypothesis of the product stated by the PM through the service (proposed)."""

    def make(metric=None, **fields):
        values = {
            "change": "re-ranking by recent views",
            "audience": "returning shoppers",
            "outcome": "more clicks on recommendations",
            "baseline": metric.baseline if metric else None,
            "target": metric.target if metric else None,
        }
        values |= fields
        return services.hypothesis_create(actor=pm, product=product, metric=metric, **values)

    return make


@pytest.fixture
def testing(state, metric, pm):
    """A hypothesis on the click-through rate, under test."""
    hypothesis = state(metric)
    return services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status="testing")


def conclude(pm, hypothesis, status="invalidated", learning="Recency alone does not move clicks."):
    return services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status=status, learning=learning)


def publish(pm, hypothesis):
    return services.hypothesis_publish(actor=pm, hypothesis=hypothesis)
