import factory

from apps.requests.models import StakeholderRequest
from tests.factories import ProductFactory, UserFactory


class StakeholderRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderRequest

    product = factory.SubFactory(ProductFactory)
    number = factory.Sequence(lambda n: n + 1)
    requester = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Forecast error report number {n}")
    problem = "Planners cannot see **why** the forecast was wrong last week."
    desired_outcome = "Planners trust the forecast."
