"""Working together at scale: the global search over 100,000 items in 20
products (with requests and roadmap items beside them), the notifications
page with 10,000 notifications, and an item page with 500 comments. Each at
two sizes, so a query count that grows with rows shows."""

import random

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.backlog import ranking
from apps.backlog.models import BacklogItem
from apps.conversation.models import Comment
from apps.notifications.kinds import Kind
from apps.notifications.models import Notification
from apps.products.models import Product
from apps.requests.models import StakeholderRequest
from apps.roadmap.models import RoadmapItem
from bench.harness import client_for, compare_get, measure_get, print_header, print_row

PRODUCTS = 20
WORDS = [
    "churn",
    "forecast",
    "model",
    "feature",
    "store",
    "drift",
    "monitoring",
    "pipeline",
    "label",
    "ranking",
    "recommender",
    "embedding",
    "holiday",
    "season",
    "latency",
    "dashboard",
    "export",
    "backfill",
    "schema",
    "migration",
    "experiment",
    "holdout",
    "baseline",
    "gradient",
    "boosting",
    "calibration",
    "fairness",
    "audit",
    "privacy",
    "consent",
    "retention",
    "cohort",
    "segment",
    "anomaly",
    "outlier",
    "seasonality",
    "warehouse",
    "ingestion",
    "streaming",
    "batch",
    "airflow",
    "notebook",
    "review",
    "deployment",
    "shadow",
    "traffic",
    "canary",
    "rollback",
    "approval",
    "governance",
    "benchmark",
    "gold",
    "set",
    "annotation",
    "sampling",
    "bias",
    "variance",
]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def grow_items(products: list[Product], per_product: int, people: list[User]) -> None:
    rng = random.Random(per_product)
    for product in products:
        start = BacklogItem.objects.filter(product=product).count()
        BacklogItem.objects.bulk_create(
            (
                BacklogItem(
                    product=product,
                    number=n,
                    rank=n * ranking.GAP,
                    title=sentence(rng, 5).capitalize(),
                    description=sentence(rng, 30),
                    status=rng.choice(["new", "ready", "in_progress", "done"]),
                    assignee=rng.choice(people),
                )
                for n in range(start + 1, per_product + 1)
            ),
            batch_size=2000,
        )
    analyze()


def grow_requests(products: list[Product], per_product: int, requester: User) -> None:
    rng = random.Random(per_product + 1)
    for product in products:
        start = StakeholderRequest.objects.filter(product=product).count()
        StakeholderRequest.objects.bulk_create(
            StakeholderRequest(
                product=product,
                number=n,
                requester=requester,
                title=sentence(rng, 5).capitalize(),
                problem=sentence(rng, 25),
                desired_outcome=sentence(rng, 12),
                visibility=rng.choice(["public", "public", "private"]),
            )
            for n in range(start + 1, per_product + 1)
        )
        start = RoadmapItem.objects.filter(product=product).count()
        RoadmapItem.objects.bulk_create(
            RoadmapItem(
                product=product,
                title=sentence(rng, 4).capitalize(),
                public_description=sentence(rng, 20),
                internal_notes=sentence(rng, 20),
                shared=rng.random() < 0.5,
                rank=n * ranking.GAP,
            )
            for n in range(start + 1, per_product // 10 + 1)
        )
    analyze()


def run() -> None:
    people = [User.objects.get_or_create(username=f"bench-together-{n}")[0] for n in range(6)]
    pm, stakeholder = people[0], people[5]
    products = []
    for n in range(PRODUCTS):
        product, created = Product.objects.get_or_create(slug=f"together-{n}", defaults={"name": f"Together {n}"})
        if created:
            Membership.objects.bulk_create(
                Membership(user=user, product=product, role=role)
                for user, role in [
                    (pm, Role.PRODUCT_MANAGER),
                    *((person, Role.TEAM_MEMBER) for person in people[1:5]),
                    (stakeholder, Role.STAKEHOLDER),
                ]
            )
        products.append(product)
    team_client, stakeholder_client = client_for(pm), client_for(stakeholder)

    print_header("together: global search (20 products)")
    for per_product in (500, 5_000):
        grow_items(products, per_product, people[:5])
        grow_requests(products, per_product // 10, stakeholder)
        items = BacklogItem.objects.filter(product__in=products).count()
        label = f"{items:,} items"
        for query in ("churn forecast", "privacy", "gold set annotation", "zebra"):
            url = f"/search/?q={query.replace(' ', '+')}"
            print_row(f"search page “{query}” (team), {label}", measure_get(team_client, url))
        print_row(f"search page “churn” (stakeholder), {label}", measure_get(stakeholder_client, "/search/?q=churn"))
        print_row(f"API search “churn forecast”, {label}", measure_get(team_client, "/api/v1/search/?q=churn+forecast"))
        number = per_product // 2
        print_row(
            f"jump #{number} (one per product: a list), {label}", measure_get(team_client, f"/search/?q=%23{number}")
        )

    print_header("together: notifications page")
    product = products[0]
    item = BacklogItem.objects.filter(product=product).first()
    item_type = ContentType.objects.get_for_model(BacklogItem)
    for count in (100, 10_000):
        have = Notification.objects.filter(recipient=pm).count()
        now = timezone.now()
        Notification.objects.bulk_create(
            (
                Notification(
                    recipient=pm,
                    kind=Kind.MENTIONED,
                    key=f"bench:{n}",
                    actor=people[1],
                    product=product,
                    target_type=item_type,
                    target_id=item.pk,
                    text=f"{people[1]} mentioned you on #{item.number} {item.title}",
                    link=f"/p/{product.slug}/backlog/items/{item.number}/",
                    created_at=now,
                    sent_at=now,
                    read_at=now if n % 3 else None,
                )
                for n in range(have, count)
            ),
            batch_size=2000,
        )
        analyze()
        print_row(f"notifications page, {count:,} notifications", measure_get(team_client, "/notifications/"))
        print_row(
            f"notifications page, unread only, {count:,}", measure_get(team_client, "/notifications/?show=unread")
        )
        print_row(f"API notifications, {count:,}", measure_get(team_client, "/api/v1/notifications/"))
        print_row(f"bell alone, {count:,}", measure_get(team_client, "/notifications/bell/"))

    print_header("together: an item page with many comments")
    rng = random.Random(3)
    for count in (10, 500):
        have = Comment.objects.filter(target_type=item_type, target_id=item.pk).count()
        now = timezone.now()
        Comment.objects.bulk_create(
            Comment(
                product=product,
                target_type=item_type,
                target_id=item.pk,
                author=rng.choice(people[:5]),
                body=f"{sentence(rng, 20)}\n\n- **{rng.choice(WORDS)}** and `{rng.choice(WORDS)}`",
                created_at=now,
            )
            for _ in range(have, count)
        )
        analyze()
        url = f"/p/{product.slug}/backlog/items/{item.number}/"
        # The SQL floor: the 50 newest comments with their authors' names, as the thread shows them.
        floor = (
            "SELECT c.id, c.author_id, u.username, u.first_name, u.last_name, c.body, c.created_at, c.edited_at"
            " FROM conversation_comment c LEFT JOIN accounts_user u ON u.id = c.author_id"
            " WHERE c.target_type_id = %s AND c.target_id = %s ORDER BY c.created_at DESC, c.id DESC LIMIT 51"
        )
        print_row(
            f"item page, {count} comments (newest 50 shown)",
            compare_get(team_client, url, floor, (item_type.pk, item.pk)),
        )
        api = f"/api/v1/products/{product.slug}/threads/items/{item.number}/comments/"
        print_row(f"API comments (first page of 50), {count} comments", measure_get(team_client, api))
