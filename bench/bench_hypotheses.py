"""Hypotheses at scale: a product with 2,000 hypotheses and 10,000
experiments (and a learning log line per decision), and an outcome metric
with five years of daily readings (about 1,800 points). Prints the ledger
page, its filters and search, the API list and the CSV export, the learning
log and the metric page with its series, at a small and the full size, with
time, query count and the raw-SQL floor."""

import datetime
import random
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.hypotheses.models import Experiment, Hypothesis, LearningEntry
from apps.products.models import MetricReading, OutcomeMetric, Product
from bench.harness import client_for, measure_get, print_header, print_row, raw_sql_floor

STATUSES = ["proposed", "testing", "testing", "validated", "invalidated", "inconclusive"]
METHODS = ["offline_evaluation", "backtest", "ab_test", "user_interview", "analysis"]
EXPERIMENTS_PER_HYPOTHESIS = 5


def make_hypotheses(product: Product, metrics: list[OutcomeMetric], people: list[User], count: int) -> None:
    """Grow the product to `count` hypotheses with 5 experiments each (bulk inserts)."""
    rng = random.Random(count)
    start = Hypothesis.objects.filter(product=product).count()
    now = timezone.now()
    hypotheses = Hypothesis.objects.bulk_create(
        (
            Hypothesis(
                product=product,
                number=n,
                change=f"{rng.choice(['re-ranking', 'caching', 'bundling', 'nudging', 'pricing'])} variant {n}",
                audience=rng.choice(["returning shoppers", "new shoppers", "analysts"]),
                outcome="a better outcome metric",
                metric=rng.choice([*metrics, None]),
                metric_text="Own metric" if n % 4 == 0 else "",
                baseline=Decimal(2),
                target=Decimal(3),
                target_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 365),
                owner=rng.choice(people),
                status=(status := rng.choice(STATUSES)),
                confidence_before=rng.randint(10, 90),
                learning="What we learned" if status in Hypothesis.CONCLUDED else "",
                published_at=now if status in Hypothesis.CONCLUDED and n % 2 else None,
                concluded_at=now if status in Hypothesis.CONCLUDED else None,
            )
            for n in range(start + 1, count + 1)
        ),
        batch_size=1000,
    )
    Hypothesis.objects.filter(metric__isnull=False, metric_text="Own metric").update(metric_text="")
    Experiment.objects.bulk_create(
        (
            Experiment(
                product=product,
                hypothesis=hypothesis,
                title=f"Experiment {e} of {hypothesis.number}",
                method=rng.choice(METHODS),
                status="concluded",
                observed_value=Decimal(rng.randint(150, 350)) / 100,
                conclusion="As measured.",
                concluded_at=now - datetime.timedelta(days=rng.randint(0, 400)),
            )
            for hypothesis in hypotheses
            for e in range(EXPERIMENTS_PER_HYPOTHESIS)
        ),
        batch_size=2000,
    )
    LearningEntry.objects.bulk_create(
        (
            LearningEntry(
                product=product,
                hypothesis=hypothesis,
                kind="decision",
                happened_at=now - datetime.timedelta(hours=hypothesis.number),
                status=hypothesis.status,
                believed=hypothesis.statement,
                ran="Offline evaluation: Experiment 1",
                learned="What we learned",
                next_step="Next",
            )
            for hypothesis in hypotheses
            if hypothesis.status in Hypothesis.CONCLUDED
        ),
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def make_readings(metric: OutcomeMetric, days: int) -> None:
    rng = random.Random(days)
    today = timezone.localdate()
    MetricReading.objects.filter(metric=metric).delete()
    MetricReading.objects.bulk_create(
        (
            MetricReading(
                metric=metric,
                measured_on=today - datetime.timedelta(days=back),
                value=Decimal(200 + rng.randint(-30, 30) + (days - back) // 20) / 100,
            )
            for back in range(days)
        ),
        batch_size=2000,
    )


def run() -> None:
    pm = User.objects.create_user("bench-pm", password="x")
    stakeholder = User.objects.create_user("bench-stakeholder", password="x")
    people = [pm, *(User.objects.create_user(f"bench-dev-{i}", password="x") for i in range(5))]
    product = Product.objects.create(name="Bench", slug="bench")
    Membership.objects.bulk_create(
        Membership(user=user, product=product, role=Role.PRODUCT_MANAGER if user == pm else Role.TEAM_MEMBER)
        for user in people
    )
    Membership.objects.create(user=stakeholder, product=product, role=Role.STAKEHOLDER)
    metrics = [
        OutcomeMetric.objects.create(product=product, name=name, unit="%", baseline=2, target=3)
        for name in ("Click-through rate", "Revenue per session", "Retention")
    ]
    client, outside = client_for(pm), client_for(stakeholder)
    base = f"/p/{product.slug}/hypotheses/"
    api = f"/api/v1/products/{product.slug}/hypotheses/"
    ledger_floor = (
        "SELECT h.id, h.number, h.change, h.status, h.target, m.name, u.username, "
        "(SELECT e.observed_value FROM hypotheses_experiment e WHERE e.hypothesis_id = h.id "
        " AND e.status = 'concluded' ORDER BY e.concluded_at DESC LIMIT 1), "
        "(SELECT COUNT(*) FROM hypotheses_experiment e WHERE e.hypothesis_id = h.id) "
        "FROM hypotheses_hypothesis h LEFT JOIN products_outcomemetric m ON m.id = h.metric_id "
        "LEFT JOIN accounts_user u ON u.id = h.owner_id WHERE h.product_id = %s ORDER BY h.number DESC LIMIT 50"
    )
    print_header("hypotheses")
    for size in (100, 2_000):
        make_hypotheses(product, metrics, people, size)
        experiments = Experiment.objects.filter(product=product).count()
        label = f"{size} hypotheses, {experiments} experiments"
        floor = raw_sql_floor(ledger_floor, [product.pk])
        print_row(f"ledger page (first 50), {label}", measure_get(client, base), floor)
        print_row(
            f"ledger filtered by status and owner, {label}",
            measure_get(client, base + "?status=testing&owner=bench-pm"),
        )
        print_row(f"ledger search 'caching', {label}", measure_get(client, base + "?q=caching"))
        print_row(f"ledger as a stakeholder (published only), {label}", measure_get(outside, base))
        print_row(f"API list (first 50), {label}", measure_get(client, api), floor)
        print_row(f"API list as a stakeholder, {label}", measure_get(outside, api))
        print_row(f"CSV export (streamed), {label}", measure_get(client, base + "export.csv", repeat=3))
        print_row(f"learning log (first 50), {label}", measure_get(client, base + "learning/"))
        print_row(f"learning log markdown export, {label}", measure_get(client, base + "learning/export.md", repeat=3))
        newest = Hypothesis.objects.filter(product=product).order_by("-number").first()
        print_row(
            f"one hypothesis page ({EXPERIMENTS_PER_HYPOTHESIS} experiments), {label}",
            measure_get(client, f"{base}{newest.number}/"),
        )

    metric = metrics[0]
    page = f"/p/{product.slug}/metrics/{metric.pk}/"
    series_floor = "SELECT measured_on, value FROM products_metricreading WHERE metric_id = %s ORDER BY measured_on"
    for days in (90, 1_826):
        make_readings(metric, days)
        floor = raw_sql_floor(series_floor, [metric.pk])
        print_row(f"metric page (table: first 50), {days} daily readings", measure_get(client, page))
        print_row(
            f"metric series JSON (the chart), {days} daily readings", measure_get(client, page + "series.json"), floor
        )
        print_row(
            f"API readings (first 50), {days} daily readings",
            measure_get(client, f"/api/v1/products/{product.slug}/metrics/{metric.pk}/readings/"),
        )
