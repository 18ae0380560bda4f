"""Demo delivery reports for `make run`: per product, the default cadence
(monthly in django-celery-beat, and after every sprint close), the PM
subscribed, a report of each closed demo sprint and of last month, and the
latest report's summary published to stakeholders. Everything goes through the
services; a product that already has reports is left alone."""

from apps.delivery import services
from apps.delivery.models import DeliveryReport, DeliverySubscription
from apps.sprints.models import Sprint


def seed(*, products, people) -> None:
    pm = people["pia"]
    for product in products:
        services.settings_ensure(product=product)
        if DeliveryReport.objects.filter(product=product).exists():
            continue
        DeliverySubscription.objects.get_or_create(product=product, person=pm)
        latest = None
        for sprint in Sprint.objects.filter(product=product, status=Sprint.Status.CLOSED).order_by("start_date"):
            latest = services.sprint_report_build(sprint=sprint)
        if services.has_activity(product):
            start, _ = services.previous_month()
            services.month_report_build(product=product, start=start)
        if latest is not None:
            services.report_publish(actor=pm, report=latest, published=True)
