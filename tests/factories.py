import factory

from apps.accounts.models import Membership, Role, User
from apps.products.models import OutcomeMetric, Product

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
