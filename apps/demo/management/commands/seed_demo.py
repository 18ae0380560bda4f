"""Demo data for `make run`: two products and one person per role.

Safe to run again: people and products that exist are left as they are.
Each app that has demo data contributes it through its `demo.seed()`.
"""

from importlib import import_module

from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.demo import DEMO_PASSWORD, demo_person
from apps.accounts.models import Membership, Role, User
from apps.products.demo import demo_products

PEOPLE = [
    # username, first name, last name, role in both products
    ("pia", "Pia", "Park", Role.PRODUCT_MANAGER),
    ("sam", "Sam", "Singh", Role.SCRUM_MASTER),
    ("tara", "Tara", "Tanaka", Role.TEAM_MEMBER),
    ("stella", "Stella", "Stone", Role.STAKEHOLDER),
]

# Apps whose demo module adds data on top of the products and people above, in this order.
DEMO_MODULES: list[str] = [
    "apps.backlog.demo",
    "apps.reports.demo",
    "apps.requests.demo",
    "apps.sprints.demo",
    "apps.hypotheses.demo",
    "apps.retros.demo",
    "apps.roadmap.demo",
    "apps.delivery.demo",
]


class Command(BaseCommand):
    help = "Create demo products and one user per role (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        people = {username: demo_person(username, first, last) for username, first, last, _ in PEOPLE}
        products = demo_products()
        for product in products:
            for username, _, _, role in PEOPLE:
                Membership.objects.get_or_create(user=people[username], product=product, defaults={"role": role})
        # The demo PM may start new products (README: who may create a product).
        people["pia"].user_permissions.add(
            Permission.objects.get(content_type__app_label="products", codename="add_product")
        )
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
        for module in DEMO_MODULES:
            import_module(module).seed(products=products, people=people)

        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/ with:"))
        for username, _, _, role in PEOPLE:
            self.stdout.write(f"  {username:<8} / {DEMO_PASSWORD}   ({role.label} in both products)")
        self.stdout.write(f"  {'admin':<8} / {DEMO_PASSWORD}   (site administrator, /admin/ and /status/)")
