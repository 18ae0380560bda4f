from apps.accounts.models import Membership, Role
from apps.backlog import demo
from apps.backlog.models import BacklogItem, Blocker
from tests.factories import ProductFactory, UserFactory


def test_demo_backlogs_are_realistic_and_seeding_twice_changes_nothing(db):
    people = {name: UserFactory(username=name, first_name=name.title()) for name in ["pia", "sam", "tara", "stella"]}
    products = [ProductFactory(slug="recommender", name="Recommender"), ProductFactory(slug="insights")]
    for product in products:
        for name, role in [("pia", Role.PRODUCT_MANAGER), ("sam", Role.SCRUM_MASTER), ("tara", Role.TEAM_MEMBER)]:
            Membership.objects.create(user=people[name], product=product, role=role)
    demo.seed(products=products, people=people)
    counts = {p.slug: BacklogItem.objects.filter(product=p).count() for p in products}
    demo.seed(products=products, people=people)
    assert counts == {p.slug: BacklogItem.objects.filter(product=p).count() for p in products}
    assert all(30 <= count <= 40 for count in counts.values()), counts
    items = BacklogItem.objects.filter(product=products[0])
    assert items.filter(kind="epic").count() == 3 and items.filter(parent__isnull=False).exists()
    assert items.filter(status="ready").exists() and items.filter(status="done").exists()
    assert any(item.is_highly_uncertain for item in items)
    assert Blocker.objects.filter(item__product=products[0], kind="data_access", resolved_at__isnull=True).count() == 1
