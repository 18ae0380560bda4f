"""Demo data for `make run`: two products and one person per role.

Safe to run again: people and products that exist are left as they are.
Each app that has demo data contributes it through its `demo.seed()`.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.models import Membership, Role, Team, User
from apps.products.models import OutcomeMetric, Product

DEMO_PASSWORD = "demo-pass-2026"

PEOPLE = [
    # username, first name, last name, role in both products
    ("pia", "Pia", "Park", Role.PRODUCT_MANAGER),
    ("sam", "Sam", "Singh", Role.SCRUM_MASTER),
    ("tara", "Tara", "Tanaka", Role.TEAM_MEMBER),
    ("stella", "Stella", "Stone", Role.STAKEHOLDER),
]

PRODUCTS = [
    {
        "slug": "recommender",
        "name": "Recommender",
        "kind": Product.Kind.ML,
        "vision": "Help shoppers find what they came for: **relevant recommendations** on every page.",
        "metrics": [("Click-through rate", "%", 2.1, 3.0), ("Revenue per session", "EUR", 4.2, 5.0)],
    },
    {
        "slug": "insights",
        "name": "Insights Platform",
        "kind": Product.Kind.PLATFORM,
        "vision": "Self-service analytics that every team trusts: fresh data, documented metrics.",
        "metrics": [("Weekly active analysts", "people", 40, 80), ("Dashboard load time p95", "s", 6.5, 2.0)],
    },
]

# Apps whose demo module adds data on top of the products and people above.
DEMO_MODULES: list[str] = ["apps.backlog.demo", "apps.reports.demo", "apps.requests.demo", "apps.sprints.demo"]


class Command(BaseCommand):
    help = "Create demo products and one user per role (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        people = {username: _person(username, first, last) for username, first, last, _ in PEOPLE}
        products = [_product(spec) for spec in PRODUCTS]
        for product in products:
            for username, _, _, role in PEOPLE:
                Membership.objects.get_or_create(user=people[username], product=product, defaults={"role": role})
        team, _ = Team.objects.get_or_create(name="Data Science Team")
        team.members.add(*(people[name] for name in ("pia", "sam", "tara")))
        team.products.add(*products)
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
        for module in DEMO_MODULES:
            import_module(module).seed(products=products, people=people)

        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/ with:"))
        for username, _, _, role in PEOPLE:
            self.stdout.write(f"  {username:<8} / {DEMO_PASSWORD}   ({role.label} in both products)")
        self.stdout.write(f"  {'admin':<8} / {DEMO_PASSWORD}   (site administrator, /admin/ and /status/)")


def _person(username: str, first: str, last: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _product(spec: dict) -> Product:
    product, created = Product.objects.get_or_create(
        slug=spec["slug"], defaults={"name": spec["name"], "kind": spec["kind"], "vision": spec["vision"]}
    )
    if created:
        OutcomeMetric.objects.bulk_create(
            OutcomeMetric(
                product=product,
                name=name,
                unit=unit,
                baseline=baseline,
                target=target,
                direction=OutcomeMetric.Direction.INCREASE if target >= baseline else OutcomeMetric.Direction.DECREASE,
            )
            for name, unit, baseline, target in spec["metrics"]
        )
    return product
