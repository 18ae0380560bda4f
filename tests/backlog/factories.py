"""Backlog test data. Items made here skip the services (fast, any state);
tests of behaviour create items through the services."""

from datetime import UTC

import factory

from apps.backlog import ranking
from apps.backlog.models import AcceptanceCriterion, BacklogItem, Blocker, Label
from tests.factories import ProductFactory


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"label-{n}")


class BacklogItemFactory(factory.django.DjangoModelFactory):
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
