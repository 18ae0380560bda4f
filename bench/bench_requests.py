"""Stakeholder requests at scale: the triage inbox, a product's request list
as a stakeholder sees it, suggestions while typing, and the periodic
expected-delivery refresh."""

import random
from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.backlog.models import BacklogItem
from apps.products.models import Product
from apps.requests import services
from apps.requests.models import StakeholderRequest, Vote, Watcher
from bench.harness import client_for, measure, measure_get, print_header, print_row, raw_sql_floor

WORDS = [
    "forecast",
    "churn",
    "dashboard",
    "export",
    "latency",
    "recommendation",
    "holiday",
    "region",
    "planner",
    "margin",
    "stock",
    "pricing",
    "segment",
    "cohort",
    "anomaly",
    "report",
    "weekly",
    "monthly",
    "accuracy",
    "drift",
    "label",
]
Status = StakeholderRequest.Status


def make_requests(product: Product, requesters: list[User], count: int, rng: random.Random) -> None:
    start = StakeholderRequest.objects.filter(product=product).count()
    now = timezone.now()
    statuses = [Status.NEW] * 5 + [Status.NEEDS_INFO, Status.ACCEPTED, Status.DECLINED]
    items = BacklogItem.objects.bulk_create(
        BacklogItem(product=product, number=start + i + 1, title=f"Item {start + i}", rank=(start + i + 1) * 1024)
        for i in range(count)
    )
    created = StakeholderRequest.objects.bulk_create(
        StakeholderRequest(
            product=product,
            number=start + i + 1,
            requester=rng.choice(requesters),
            title=" ".join(rng.sample(WORDS, 5)).capitalize(),
            problem=" ".join(rng.choices(WORDS, k=40)),
            desired_outcome="Better decisions.",
            urgency=rng.choice(StakeholderRequest.Urgency.values),
            visibility=rng.choice(["public", "public", "private"]),
            status=(status := rng.choice(statuses)),
            backlog_item=items[i] if status == Status.ACCEPTED else None,
        )
        for i in range(count)
    )
    # Spread the submissions over the last two months so some are overdue.
    for stakeholder_request in created:
        stakeholder_request.created_at = now - timedelta(hours=rng.randint(1, 24 * 60))
    StakeholderRequest.objects.bulk_update(created, ["created_at"])
    Vote.objects.bulk_create(
        (Vote(request=r, user=u) for r in created for u in rng.sample(requesters, 3) if u.pk != r.requester_id),
        ignore_conflicts=True,
    )
    Watcher.objects.bulk_create(
        (Watcher(request=r, user=u) for r in created for u in rng.sample(requesters, 2)), ignore_conflicts=True
    )


def run() -> None:
    rng = random.Random(5)
    product = Product.objects.create(name="Bench requests", slug="bench-requests")
    pm = User.objects.create_user("bench-pm", password="x", email="pm@example.com")
    requesters = User.objects.bulk_create(
        User(username=f"bench-stakeholder-{i}", email=f"s{i}@example.com") for i in range(40)
    )
    Membership.objects.create(user=pm, product=product, role=Role.PRODUCT_MANAGER)
    Membership.objects.bulk_create(Membership(user=u, product=product, role=Role.STAKEHOLDER) for u in requesters)
    stakeholder = requesters[0]
    as_pm, as_stakeholder = client_for(pm), client_for(stakeholder)

    print_header("requests")
    for size in (50, 2000):
        make_requests(product, requesters, size - StakeholderRequest.objects.count(), rng)
        floor = raw_sql_floor(
            "SELECT r.id, r.number, r.title, r.urgency, r.created_at, p.name, u.username, "
            "(SELECT COUNT(*) FROM requests_vote v WHERE v.request_id = r.id) "
            "FROM requests_stakeholderrequest r JOIN products_product p ON p.id = r.product_id "
            "LEFT JOIN accounts_user u ON u.id = r.requester_id WHERE r.status = 'new' "
            "ORDER BY r.created_at LIMIT 50"
        )
        print_row(f"triage inbox (first page), {size} requests", measure_get(as_pm, "/requests/inbox/"), floor)
        print_row(f"inbox, overdue only, {size} requests", measure_get(as_pm, "/requests/inbox/?overdue=true"))
        print_row(
            f"request list as a stakeholder, {size} requests",
            measure_get(as_stakeholder, f"/p/{product.slug}/requests/"),
        )
        print_row(
            f"API request list as a stakeholder, {size} requests",
            measure_get(as_stakeholder, f"/api/v1/products/{product.slug}/requests/"),
        )
        print_row(
            f"similar suggestions while typing, {size} requests",
            measure_get(as_stakeholder, f"/p/{product.slug}/requests/similar/?title=weekly+churn+forecast+drift"),
        )
        print_row(f"my requests as a stakeholder, {size} requests", measure_get(as_stakeholder, "/requests/mine/"))
        number = StakeholderRequest.objects.filter(product=product).order_by("number").last().number
        print_row(
            f"request page as the PM, {size} requests",
            measure_get(as_pm, f"/p/{product.slug}/requests/{number}/"),
        )
        accepted = StakeholderRequest.objects.filter(status=Status.ACCEPTED).count()
        print_row(
            f"expected-delivery refresh, {accepted} accepted (nothing moved)",
            measure(services.expected_deliveries_refresh, repeat=5),
        )
