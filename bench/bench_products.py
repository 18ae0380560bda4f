"""My work (the home page) and the product list for a person in many products."""

from apps.accounts.models import Membership, Role, User
from apps.products.models import Product
from bench.harness import client_for, measure_get, print_header, print_row, raw_sql_floor


def make_products(user: User, count: int) -> None:
    start = Product.objects.count()
    products = Product.objects.bulk_create(
        Product(name=f"Product {start + i}", slug=f"product-{start + i}") for i in range(count)
    )
    Membership.objects.bulk_create(Membership(user=user, product=p, role=Role.TEAM_MEMBER) for p in products)


def run() -> None:
    user = User.objects.create_user("bench", password="x")
    client = client_for(user)
    print_header("products")
    for size in (10, 200):
        make_products(user, size - Product.objects.count())
        floor = raw_sql_floor(
            "SELECT m.id, m.role, p.id, p.name, p.slug FROM accounts_membership m "
            "JOIN products_product p ON p.id = m.product_id WHERE m.user_id = %s ORDER BY p.name",
            [user.pk],
        )
        print_row(f"my work (home page), {size} products", measure_get(client, "/"), floor)
        print_row(f"API product list (first page), {size} products", measure_get(client, "/api/v1/products/"))
