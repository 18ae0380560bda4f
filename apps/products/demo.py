"""The two demo products and their outcome metrics."""

from apps.products.models import OutcomeMetric, Product

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


def demo_products() -> list[Product]:
    return [_product(spec) for spec in PRODUCTS]


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
