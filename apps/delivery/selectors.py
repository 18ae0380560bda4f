"""Reads about delivery reports that pages, the API and the overview share."""

from django.db.models import QuerySet

from apps.delivery.models import DeliveryReport, DeliverySettings, DeliverySubscription
from apps.products.models import Product

# The list pages never need the whole snapshot of every report.
LIST_FIELDS = ("product", "period", "start", "end", "sprint", "summary", "built_at", "version", "published_at")


def reports_of(product) -> QuerySet[DeliveryReport]:
    """The product's reports, newest period first."""
    return DeliveryReport.objects.filter(product=product).select_related("product").order_by("-end", "-start", "-pk")


def report_list(product) -> QuerySet[DeliveryReport]:
    """For the history page and the API list: without the figures, except the sprint's name."""
    return reports_of(product).defer("figures", "published_summary")


def latest_report(product) -> DeliveryReport | None:
    return reports_of(product).first()


def latest_published(product) -> DeliveryReport | None:
    """The report whose summary stakeholders see: the most recently published one."""
    return (
        DeliveryReport.objects.filter(product=product, published_at__isnull=False)
        .select_related("product")
        .only("pk", "product", "period", "start", "end", "figures", "published_at", "published_summary")
        .order_by("-published_at")
        .first()
    )


def latest_per_product(product_ids) -> dict[int, DeliveryReport]:
    """Each product's newest report (by period end), one query for all products."""
    reports = DeliveryReport.objects.filter(product_id__in=list(product_ids)).order_by("product_id", "-end", "-pk")
    latest: dict[int, DeliveryReport] = {}
    for report in reports.only("pk", "product_id", "period", "start", "end", "figures", "built_at"):
        latest.setdefault(report.product_id, report)
    return latest


def settings_of(product: Product) -> DeliverySettings:
    """The product's delivery settings (the defaults, unsaved, when none were made yet)."""
    return DeliverySettings.objects.filter(product=product).select_related(
        "schedule__crontab"
    ).first() or DeliverySettings(product=product)


def is_subscribed(user, product) -> bool:
    return DeliverySubscription.objects.filter(product=product, person=user).exists()
