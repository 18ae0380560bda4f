"""Backlog at scale: a product with 10,000 items (epics, labels, estimates,
blockers, history). Prints the backlog page and API first page at 100 and
10,000 items with the raw-SQL floor, a move (time and rows written), and the
CSV export of 10,000 items (time and peak memory)."""

import random

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Membership, Role, User
from apps.backlog import ranking, services
from apps.backlog.models import BacklogItem, Blocker, Label
from apps.products.models import Product
from bench.harness import client_for, measure, measure_get, peak_memory_mb, print_header, print_row, raw_sql_floor

KINDS = ["story", "story", "story", "task", "bug", "spike", "experiment", "data_request"]
STATUSES = ["new", "new", "new", "ready", "in_progress", "in_review", "done", "dropped"]
EPICS_PER_1000 = 20


def make_backlog(product: Product, people: list[User], labels: list[Label], count: int) -> None:
    """Grow the product's backlog to `count` items with bulk inserts, plus one history row per item."""
    rng = random.Random(count)
    start = BacklogItem.objects.filter(product=product).count()
    epics = list(BacklogItem.objects.filter(product=product, kind="epic"))
    new = []
    for n in range(start + 1, count + 1):
        is_epic = n % (1000 // EPICS_PER_1000) == 1
        low = rng.choice([1, 2, 3, 5])
        ranged = rng.random() < 0.3
        new.append(
            BacklogItem(
                product=product,
                number=n,
                rank=n * ranking.GAP,
                kind="epic" if is_epic else rng.choice(KINDS),
                status=rng.choice(STATUSES),
                title=f"{'Epic' if is_epic else 'Item'} {n}: {rng.choice(['churn', 'ranking', 'drift', 'ETL', 'A/B'])}",
                parent=None if is_epic or not epics or rng.random() < 0.3 else rng.choice(epics),
                assignee=rng.choice([None, *people]),
                story_points=rng.choice([None, 1, 2, 3, 5, 8]),
                estimate_optimistic=low if ranged else None,
                estimate_likely=low * 2 if ranged else None,
                estimate_pessimistic=low * rng.choice([3, 8]) if ranged else None,
            )
        )
        if is_epic:
            # Epics first, so later items can belong to them.
            epics.extend(BacklogItem.objects.bulk_create(new))
            new = []
    BacklogItem.objects.bulk_create(new, batch_size=2000)
    items = list(BacklogItem.objects.filter(product=product, number__gt=start).only("pk", "created_at"))
    Through = BacklogItem.labels.through
    Through.objects.bulk_create(
        (Through(backlogitem=item, label=label) for item in items for label in rng.sample(labels, rng.randint(0, 2))),
        batch_size=2000,
    )
    Blocker.objects.bulk_create(
        Blocker(item=item, kind="data_access", reason="Waiting for data access", since=item.created_at)
        for item in items[::50]
    )
    History = BacklogItem.history.model
    History.objects.bulk_create(
        (
            History(
                id=item.pk, product_id=product.pk, number=item.number, kind=item.kind, title=item.title,
                status=item.status, created_at=item.created_at, history_date=item.created_at, history_type="+",
                version=1,
            )
            for item in BacklogItem.objects.filter(product=product, number__gt=start).iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )  # fmt: skip
    if connection.vendor == "postgresql":
        # Fresh planner statistics, as autovacuum would leave them after a bulk load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def rows_written(action) -> int:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return sum(1 for q in ctx if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")))


def run() -> None:
    pm = User.objects.create_user("bench-pm", password="x")
    people = [pm, *(User.objects.create_user(f"bench-dev-{i}", password="x") for i in range(5))]
    product = Product.objects.create(name="Bench", slug="bench")
    Membership.objects.bulk_create(
        Membership(user=user, product=product, role=Role.PRODUCT_MANAGER if user == pm else Role.TEAM_MEMBER)
        for user in people
    )
    labels = Label.objects.bulk_create(Label(product=product, name=name) for name in ["ml", "data", "infra", "ux"])
    client = client_for(pm)
    page_url = f"/p/{product.slug}/backlog/"
    api_url = f"/api/v1/products/{product.slug}/backlog/items/"
    floor_sql = (
        "SELECT i.id, i.number, i.title, i.kind, i.status, i.story_points, i.version, u.username, p.title "
        "FROM backlog_backlogitem i LEFT JOIN accounts_user u ON u.id = i.assignee_id "
        "LEFT JOIN backlog_backlogitem p ON p.id = i.parent_id WHERE i.product_id = %s ORDER BY i.rank LIMIT 50"
    )
    print_header("backlog")
    for size in (100, 10_000):
        make_backlog(product, people, labels, size)
        floor = raw_sql_floor(floor_sql, [product.pk])
        print_row(f"backlog page (first 50), {size} items", measure_get(client, page_url), floor)
        print_row(f"backlog page filtered by label, {size} items", measure_get(client, page_url + "?label=ml"), floor)
        print_row(f"API item list (first 50), {size} items", measure_get(client, api_url), floor)
        print_row(f"CSV export, {size} items (streamed)", measure_get(client, page_url + "export.csv", repeat=3))
        memory = peak_memory_mb(lambda: measure_get(client, page_url + "export.csv", repeat=1))
        print(f"  CSV export of {size} items: peak Python memory {memory:.1f} MiB")

    order = list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("pk", flat=True))
    rng = random.Random(7)

    def move_somewhere():
        item, anchor = BacklogItem.objects.in_bulk(rng.sample(order, 2)).values()
        services.item_move(actor=pm, item=item, before=anchor)

    def move_to_top():
        services.item_move_to(actor=pm, item=BacklogItem.objects.get(pk=rng.choice(order)), edge="top")

    print_row("move one item before another, 10000 items (service)", measure(move_somewhere, repeat=50))
    print(f"  rows written by a move: {rows_written(move_somewhere)} (to the top: {rows_written(move_to_top)})")
    bottom = BacklogItem.objects.filter(product=product).order_by("-rank").first()
    top = BacklogItem.objects.filter(product=product).order_by("rank").first()
    print_row(
        "move through the page (POST, to top), 10000 items",
        measure(
            lambda: client.post(f"{page_url}items/{bottom.number}/move/", {"before": top.number}),
            repeat=20,
        ),
    )
    rebalances = 0
    anchor = BacklogItem.objects.filter(product=product).order_by("rank")[5000]
    for pk in order[:60]:
        writes = rows_written(
            lambda pk=pk: services.item_move(actor=pm, item=BacklogItem.objects.get(pk=pk), after=anchor)
        )
        rebalances += writes > 1
    print(f"  60 moves into one spot: {rebalances} local rebalance(s), the rest one row each")
