import datetime

import factory
from django.utils import timezone

from apps.backlog.models import BacklogItem
from apps.sprints.models import Sprint, SprintItem
from tests.factories import ProductFactory


class BacklogItemFactory(factory.django.DjangoModelFactory):
    """Items straight into the table, for reads; behaviour tests use backlog's item_create."""

    class Meta:
        model = BacklogItem

    product = factory.SubFactory(ProductFactory)
    number = factory.Sequence(lambda n: n + 1)
    rank = factory.Sequence(lambda n: (n + 1) * 1024)
    title = factory.Sequence(lambda n: f"Item {n}")
    story_points = 3
    status = BacklogItem.Status.READY


class SprintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sprint

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Sprint {n}")
    start_date = datetime.date(2026, 3, 2)
    end_date = datetime.date(2026, 3, 13)


class SprintItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SprintItem

    sprint = factory.SubFactory(SprintFactory)
    item = factory.SubFactory(BacklogItemFactory, product=factory.SelfAttribute("..sprint.product"))
    points = 3
    added_at = factory.LazyFunction(timezone.now)
