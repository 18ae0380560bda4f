"""Roadmap at scale: one Monte Carlo forecast of 10,000 runs over 200
remaining items with ranged estimates (time and peak memory; the targets are
under 50 ms and 50 MB), and the board, timeline, stakeholder view and CSV
with 30 and 300 items (server time and query count, constant in rows)."""

import datetime
import statistics
import time
from decimal import Decimal

import numpy as np

from apps.accounts.models import Membership, Role, User
from apps.backlog.models import BacklogItem
from apps.products.models import Product
from apps.roadmap import forecast, forecasting
from apps.roadmap.models import Horizon, RoadmapItem
from apps.sprints.models import Sprint
from bench.harness import client_for, compare_get, measure_get, peak_memory_mb, print_header, print_row

RANGED_ITEMS = 200


def one_forecast() -> tuple[np.ndarray, forecast.Summary]:
    rng = np.random.default_rng(2026)
    low = rng.integers(1, 4, RANGED_ITEMS).astype(float)
    likely = low + rng.integers(0, 4, RANGED_ITEMS)
    high = likely + rng.integers(0, 9, RANGED_ITEMS)
    history = forecast.Throughput(np.array([31.0, 24, 40, 28, 35, 22, 38, 30, 27, 33]), 14, "points")
    work = forecast.Work(fixed=0.0, low=low, likely=likely, high=high)
    days = forecast.simulate_days(history, work, runs=forecast.RUNS, seed=7)
    return days, forecast.summarize(days, start=datetime.date(2026, 3, 2), target=datetime.date(2027, 1, 1))


def bench_forecast() -> None:
    one_forecast()
    times = []
    for _ in range(15):
        start = time.perf_counter()
        one_forecast()
        times.append((time.perf_counter() - start) * 1000)
    memory = peak_memory_mb(one_forecast)
    _, summary = one_forecast()
    print(
        f"  {'forecast: 10,000 runs, 200 ranged items':<52} {statistics.median(times):8.1f} ms "
        f"(best {min(times):.1f})  peak {memory:.1f} MiB  -> p50 {summary.p50} p85 {summary.p85} p95 {summary.p95}"
    )


def make_roadmap(product: Product, user: User, count: int) -> None:
    start = RoadmapItem.objects.filter(product=product).count()
    numbers = BacklogItem.objects.filter(product=product).count()
    backlog = BacklogItem.objects.bulk_create(
        BacklogItem(
            product=product,
            number=numbers + n + 1,
            rank=(numbers + n + 1) * 1024,
            title=f"Work {n}",
            story_points=Decimal(1 + n % 5),
            status="done" if n % 4 == 0 else "ready",
        )
        for n in range(3 * (count - start))
    )
    items = RoadmapItem.objects.bulk_create(
        RoadmapItem(
            product=product,
            title=f"Roadmap item {n}",
            horizon=Horizon.values[n % 3],
            rank=(n + 1) * 1024,
            shared=bool(n % 2),
            public_description="What stakeholders read.",
            internal_notes="What the team knows.",
            start_date=datetime.date(2026, 1 + n % 12, 1),
            target_date=datetime.date(2027, 1 + n % 12, 1),
        )
        for n in range(start, count)
    )
    links = RoadmapItem.backlog_items.through
    links.objects.bulk_create(
        links(roadmapitem_id=item.pk, backlogitem_id=backlog[3 * i + k].pk)
        for i, item in enumerate(items)
        for k in range(3)
    )
    forecasting.recompute(product_id=product.pk)


def run() -> None:
    print_header("roadmap")
    bench_forecast()
    user, _ = User.objects.get_or_create(username="bench-roadmap-pm")
    viewer, _ = User.objects.get_or_create(username="bench-stakeholder")
    product, created = Product.objects.get_or_create(slug="bench-roadmap", defaults={"name": "Bench roadmap"})
    if created:
        Membership.objects.create(user=user, product=product, role=Role.PRODUCT_MANAGER)
        Membership.objects.create(user=viewer, product=product, role=Role.STAKEHOLDER)
        for n in range(5):
            end = datetime.date(2026, 2, 27) - datetime.timedelta(days=14 * n)
            Sprint.objects.create(
                product=product,
                name=f"Sprint {n}",
                status=Sprint.Status.CLOSED,
                start_date=end - datetime.timedelta(days=13),
                end_date=end,
                completed_points=Decimal(20 + n * 3),
            )
    client, stakeholder = client_for(user), client_for(viewer)
    page = f"/p/{product.slug}/roadmap"
    for size in (30, 300):
        started = time.perf_counter()
        make_roadmap(product, user, size)
        print(f"  {'(recompute of ' + str(size) + ' item forecasts)':<52} {(time.perf_counter() - started):8.1f} s")
        label = f"{size} items"
        rows = (
            "SELECT r.id, r.title, r.horizon, r.rank, r.target_date, f.p50, f.p85, f.p95 "
            "FROM roadmap_roadmapitem r LEFT JOIN roadmap_forecast f ON f.roadmap_item_id = r.id "
            "WHERE r.product_id = %s ORDER BY r.horizon, r.rank"
        )
        params = [product.pk]
        print_row(f"board (PM), {label}", compare_get(client, f"{page}/", rows, params))
        print_row(f"timeline by months, {label}", compare_get(client, f"{page}/timeline/", rows, params))
        quarters = f"{page}/timeline/?scale=quarters"
        print_row(f"timeline by quarters, {label}", compare_get(client, quarters, rows, params))
        print_row(f"stakeholder view, {label}", compare_get(stakeholder, f"{page}/", rows, params))
        print_row(f"CSV export (PM), {label}", measure_get(client, f"{page}/export.csv", repeat=5))
        print_row(
            f"API items, first page, {label}",
            compare_get(client, f"/api/v1/products/{product.slug}/roadmap/items/", rows + " LIMIT 50", params),
        )
