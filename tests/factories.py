"""One factory per model, for every app's tests. Rows made here skip the
services (fast, any state); tests of behaviour go through the services."""

import datetime
from datetime import UTC

import factory
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.backlog import ranking
from apps.backlog.models import AcceptanceCriterion, BacklogItem, Blocker, Label
from apps.hypotheses.models import Experiment, Hypothesis, ModelVersion, ReleaseGate
from apps.products.models import OutcomeMetric, Product
from apps.requests.models import StakeholderRequest
from apps.sprints.models import Sprint, SprintItem

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(user, create, extracted, **kwargs):
        if create:
            user.save()


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    kind = Product.Kind.ML
    vision = "Make **better** decisions."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    role = Role.TEAM_MEMBER


class OutcomeMetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeMetric

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Metric {n}")
    unit = "%"
    baseline = 1
    target = 2


# --- backlog -------------------------------------------------------------------


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"label-{n}")


class BacklogItemFactory(factory.django.DjangoModelFactory):
    """A new, unestimated story (the model's defaults) unless told otherwise.
    `labels=[...]` and `acceptance_criteria=["text", ...]` add those too."""

    class Meta:
        model = BacklogItem
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    number = factory.Sequence(lambda n: n + 1)
    rank = factory.Sequence(lambda n: (n + 1) * ranking.GAP)
    title = factory.Sequence(lambda n: f"Item {n}")

    @factory.post_generation
    def labels(item, create, extracted, **kwargs):
        if create and extracted:
            item.labels.set(extracted)

    @factory.post_generation
    def acceptance_criteria(item, create, extracted, **kwargs):
        if create and extracted:
            AcceptanceCriterion.objects.bulk_create(
                AcceptanceCriterion(item=item, text=text, position=position)
                for position, text in enumerate(extracted, start=1)
            )


class AcceptanceCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcceptanceCriterion

    item = factory.SubFactory(BacklogItemFactory)
    text = factory.Sequence(lambda n: f"Criterion {n}")


class BlockerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Blocker

    item = factory.SubFactory(BacklogItemFactory)
    kind = Blocker.Kind.DATA_ACCESS
    reason = "Waiting for access to the clickstream tables"
    since = factory.Faker("past_datetime", tzinfo=UTC)


# --- sprints -------------------------------------------------------------------


class SprintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sprint

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Sprint {n}")
    start_date = datetime.date(2026, 3, 2)
    end_date = datetime.date(2026, 3, 13)


class SprintItemFactory(factory.django.DjangoModelFactory):
    """A ready 3-point item of the sprint's product, planned into the sprint."""

    class Meta:
        model = SprintItem

    sprint = factory.SubFactory(SprintFactory)
    item = factory.SubFactory(
        BacklogItemFactory,
        product=factory.SelfAttribute("..sprint.product"),
        status=BacklogItem.Status.READY,
        story_points=3,
    )
    points = 3
    added_at = factory.LazyFunction(timezone.now)


# --- requests ------------------------------------------------------------------


class StakeholderRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderRequest

    product = factory.SubFactory(ProductFactory)
    number = factory.Sequence(lambda n: n + 1)
    requester = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Forecast error report number {n}")
    problem = "Planners cannot see **why** the forecast was wrong last week."
    desired_outcome = "Planners trust the forecast."


# --- hypotheses ----------------------------------------------------------------


class HypothesisFactory(factory.django.DjangoModelFactory):
    """A proposed hypothesis on a metric of its own (higher is better, 2 → 3)."""

    class Meta:
        model = Hypothesis

    product = factory.SubFactory(ProductFactory)
    number = factory.Sequence(lambda n: n + 1)
    change = factory.Sequence(lambda n: f"re-ranking results with model {n}")
    audience = "returning shoppers"
    outcome = "more clicks on recommendations"
    metric_text = "Click-through rate"
    unit = "%"
    baseline = 2
    target = 3


class ExperimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experiment

    hypothesis = factory.SubFactory(HypothesisFactory)
    product = factory.SelfAttribute("hypothesis.product")
    title = factory.Sequence(lambda n: f"Offline evaluation {n}")
    method = Experiment.Method.OFFLINE_EVALUATION


class ReleaseGateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseGate

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Gate {n}")
    position = factory.Sequence(lambda n: n + 1)


class ModelVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelVersion

    item = factory.SubFactory(BacklogItemFactory)
    product = factory.SelfAttribute("item.product")
    name = factory.Sequence(lambda n: f"ranker 1.{n}.0")
