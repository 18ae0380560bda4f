"""Backlog at scale: a product with 5,000 and 50,000 items (epics, labels,
estimates, blockers, history), then 200 members. Prints the backlog page, the
API's first page and 1,000 items in one call beside their floors, moves (time,
queries and rows written), and the CSV export (time and peak memory)."""

import random

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Membership, Role, User
from apps.backlog import ranking, services
from apps.backlog.models import BacklogItem, Blocker, Label
from apps.products.models import Product
from bench.harness import (
    client_for,
    compare,
    compare_get,
    measure,
    measure_get,
    peak_memory_mb,
    print_header,
    print_row,
)

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


# The rows a backlog page (and the API's first page) shows, in one hand-written query:
# columns, assignee, epic, labels and the open-blocker flag.
ROWS_SQL = (
    "SELECT i.id, i.number, i.title, i.kind, i.status, i.story_points, i.estimate_optimistic, i.estimate_likely, "
    "i.estimate_pessimistic, i.version, i.description, i.created_at, i.updated_at, i.done_at, u.username, "
    "p.number, p.title, "
    "ARRAY(SELECT l.name FROM backlog_backlogitem_labels il JOIN backlog_label l ON l.id = il.label_id "
    "WHERE il.backlogitem_id = i.id), "
    "EXISTS(SELECT 1 FROM backlog_blocker b WHERE b.item_id = i.id AND b.resolved_at IS NULL) "
    "FROM backlog_backlogitem i LEFT JOIN accounts_user u ON u.id = i.assignee_id "
    "LEFT JOIN backlog_backlogitem p ON p.id = i.parent_id WHERE i.product_id = %s ORDER BY i.rank LIMIT {limit}"
)


def add_members(product: Product, count: int) -> None:
    """Grow the product's team to `count` people (assignable, so each shows in the assignee menu)."""
    have = Membership.objects.filter(product=product).count()
    people = User.objects.bulk_create(
        User(username=f"bench-member-{product.pk}-{n}", first_name=f"Member {n}") for n in range(have, count)
    )
    Membership.objects.bulk_create(Membership(user=user, product=product, role=Role.TEAM_MEMBER) for user in people)


def run() -> None:
    pm, _ = User.objects.get_or_create(username="bench-pm")
    people = [pm, *(User.objects.get_or_create(username=f"bench-dev-{i}")[0] for i in range(5))]
    product, created = Product.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    if created:
        Membership.objects.bulk_create(
            Membership(user=user, product=product, role=Role.PRODUCT_MANAGER if user == pm else Role.TEAM_MEMBER)
            for user in people
        )
        Label.objects.bulk_create(Label(product=product, name=name) for name in ["ml", "data", "infra", "ux"])
    labels = list(Label.objects.filter(product=product))
    client = client_for(pm)
    page_url = f"/p/{product.slug}/backlog/"
    api_url = f"/api/v1/products/{product.slug}/backlog/items/"
    first_50, first_1000 = ROWS_SQL.format(limit=50), ROWS_SQL.format(limit=1000)
    print_header("backlog")
    for size in (5_000, 50_000):
        make_backlog(product, people, labels, size)
        members = Membership.objects.filter(product=product).count()
        label = f"{size} items, {members} members"
        print_row(f"backlog page (first 50), {label}", compare_get(client, page_url, first_50, [product.pk]))
        print_row(
            f"backlog page filtered by label, {label}",
            compare_get(client, page_url + "?label=ml", first_50, [product.pk]),
        )
        print_row(f"API item list (first 50), {label}", compare_get(client, api_url, first_50, [product.pk]))
        print_row(
            f"API 1,000 items in one call, {label}",
            compare_get(client, api_url + "?page_size=1000", first_1000, [product.pk], repeat=7),
        )
        print_row(f"CSV export, {size} items (streamed)", measure_get(client, page_url + "export.csv", repeat=3))
        memory = peak_memory_mb(lambda: measure_get(client, page_url + "export.csv", repeat=1))
        print(f"  CSV export of {size} items: peak Python memory {memory:.1f} MiB")
    add_members(product, 200)
    members = Membership.objects.filter(product=product).count()
    print_row(
        f"backlog page (first 50), 50000 items, {members} members",
        compare_get(client, page_url, first_50, [product.pk]),
    )

    order = list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("pk", flat=True))
    rng = random.Random(7)

    def move_somewhere():
        item, anchor = BacklogItem.objects.in_bulk(rng.sample(order, 2)).values()
        services.item_move(actor=pm, item=item, before=anchor)

    def move_to_top():
        services.item_move_to(actor=pm, item=BacklogItem.objects.get(pk=rng.choice(order)), edge="top")

    print_row("move one item before another, 50000 items (service)", measure(move_somewhere, repeat=50))
    print(f"  rows written by a move: {rows_written(move_somewhere)} (to the top: {rows_written(move_to_top)})")
    numbers = list(BacklogItem.objects.filter(product=product).order_by("-rank").values_list("number", flat=True))
    bottom = iter(numbers)

    def post_to_top():
        response = client.post(f"{page_url}items/{next(bottom)}/move/", {"to": "top"}, headers={"HX-Request": "true"})
        assert response.status_code == 204, response.status_code

    print_row(
        "move to top through the page (POST), 50000 items",
        compare(client, post_to_top, "SELECT 1", api=False, repeat=20),
    )
    rebalances = 0
    anchor = BacklogItem.objects.filter(product=product).order_by("rank")[5000]
    for pk in order[:60]:
        writes = rows_written(
            lambda pk=pk: services.item_move(actor=pm, item=BacklogItem.objects.get(pk=pk), after=anchor)
        )
        rebalances += writes > 1
    print(f"  60 moves into one spot: {rebalances} local rebalance(s), the rest one row each")
