"""Every change to delivery reports goes through these functions: building a
report (idempotent: one row per product and period, updated in place), the
cadence, subscriptions and publishing the summary to stakeholders. Each is
atomic and takes the acting user (None when Celery builds on a schedule);
who may do what was checked at the door (apps.delivery.access)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import POLICY, Action
from apps.core.queue import enqueue_after_commit
from apps.core.versions import refuse_if_stale
from apps.delivery import cadence, figures, summary
from apps.delivery.models import DeliveryEmail, DeliveryReport, DeliverySettings, DeliverySubscription, Period
from apps.products.models import Product
from apps.sprints.models import Sprint

READERS = POLICY[Action.VIEW_DELIVERY_REPORTS]


def month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def previous_month(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return month_of(today.replace(day=1) - datetime.timedelta(days=1))


def sprint_period(sprint: Sprint) -> tuple[datetime.date, datetime.date]:
    """A sprint report covers the sprint from its first day to the day it closed (its planned end while it runs)."""
    end = timezone.localdate(sprint.closed_at) if sprint.closed_at else sprint.end_date
    return sprint.start_date, max(end, sprint.start_date)


@transaction.atomic
def report_build(
    *,
    product: Product,
    period: str,
    start: datetime.date,
    end: datetime.date,
    sprint: Sprint | None = None,
    actor: User | None = None,
) -> DeliveryReport:
    """Build or rebuild the product's report of one period. A doubled or retried
    build leaves one report (the period is unique and the row is updated in
    place); a rebuild that changes nothing keeps the version, so nobody is
    emailed twice. A new version is queued for the subscribers' email outbox."""
    if period not in Period.values:
        raise ValidationError({"period": f"Choose one of: {', '.join(Period.values)}."})
    if end < start:
        raise ValidationError({"end": "A period cannot end before it starts."})
    # Builds of one product run one at a time, so two workers never both insert.
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").first()
    report = (
        DeliveryReport.objects.select_for_update().filter(product=product, period=period, start=start, end=end).first()
    )
    previous = (
        DeliveryReport.objects.filter(product=product, end__lte=end)
        .exclude(period=period, start=start, end=end)
        .order_by("-end", "-built_at")
        .values_list("figures", flat=True)
        .first()
    )
    snapshot = figures.report_figures(product, figures.Window(start, end), sprint=sprint, previous=previous)
    text = summary.summary_of(snapshot)
    if report is not None and report.figures == snapshot and report.summary == text:
        return report
    if report is None:
        report = DeliveryReport(product=product, period=period, start=start, end=end, version=0)
    report.sprint = sprint
    report.figures, report.summary = snapshot, text
    report.version += 1
    report.built_at = timezone.now()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # pragma: no cover -- the product lock makes this a safety net
        raise ValidationError("This report is being built right now; try again in a moment.") from None
    _queue_emails(report)
    return report


def _queue_emails(report: DeliveryReport) -> None:
    """One outbox row per subscriber for this version, sent after commit (or by the sweep)."""
    subscribers = User.objects.filter(
        is_active=True,
        delivery_subscriptions__product_id=report.product_id,
        memberships__product_id=report.product_id,
        memberships__role__in=list(READERS),
    ).exclude(email="")
    DeliveryEmail.objects.bulk_create(
        [DeliveryEmail(report=report, version=report.version, person=person) for person in subscribers.distinct()],
        ignore_conflicts=True,
    )
    enqueue_after_commit("delivery.send_report_emails", report.pk)


def month_report_build(*, product: Product, start: datetime.date, actor: User | None = None) -> DeliveryReport:
    first, last = month_of(start)
    return report_build(product=product, period=Period.MONTH, start=first, end=last, actor=actor)


def sprint_report_build(*, sprint: Sprint, actor: User | None = None) -> DeliveryReport:
    if sprint.status == Sprint.Status.PLANNED:
        raise ValidationError(f"{sprint.name} has not started; there is nothing to report yet.")
    start, end = sprint_period(sprint)
    return report_build(product=sprint.product, period=Period.SPRINT, start=start, end=end, sprint=sprint, actor=actor)


@transaction.atomic
def report_rebuild(*, actor: User, report: DeliveryReport) -> None:
    """Rebuild a report in the background (queued after commit)."""
    enqueue_after_commit("delivery.rebuild_report", report.pk)


@transaction.atomic
def report_request(*, actor: User, product: Product, month: datetime.date) -> None:
    """Build the report of a month now (in the background); a month that has not begun is refused."""
    if month.replace(day=1) > timezone.localdate():
        raise ValidationError({"month": "That month has not begun yet."})
    enqueue_after_commit("delivery.build_month", product.pk, month.replace(day=1).isoformat())


def has_activity(product: Product) -> bool:
    """Whether the product has anything to report: a sprint that started."""
    return Sprint.objects.filter(product=product, started_at__isnull=False).exists()


def reports_build_missing(*, today: datetime.date | None = None) -> int:
    """The sweep: the default cadence (a monthly beat entry) for every product that has
    started a sprint and has none yet; last month's report of every product whose monthly cadence is on
    (the default) and that has something to report, and the report of every sprint
    closed in the last 31 days that has none, when the product reports after sprints.
    A build lost with the broker or a worker is made here; existing ones are left alone."""
    today = today or timezone.localdate()
    start, end = previous_month(today)
    built = 0
    # A product that began running sprints gets its own monthly beat entry (the default cadence).
    for product in Product.objects.filter(sprints__started_at__isnull=False, delivery_settings__isnull=True).distinct():
        settings_ensure(product=product)
    paused = set(
        DeliverySettings.objects.filter(schedule__isnull=False, schedule__enabled=False).values_list(
            "product_id", flat=True
        )
    )
    have = set(DeliveryReport.objects.filter(period=Period.MONTH, start=start).values_list("product_id", flat=True))
    active = (
        Sprint.objects.filter(started_at__lt=figures.Window(start, end).end_at)
        .values_list("product_id", flat=True)
        .distinct()
    )
    for product in Product.objects.filter(pk__in=list(active)).exclude(pk__in=paused | have):
        month_report_build(product=product, start=start)
        built += 1
    no_sprint_reports = DeliverySettings.objects.filter(after_sprint_close=False).values_list("product_id", flat=True)
    closed = (
        Sprint.objects.filter(status=Sprint.Status.CLOSED, closed_at__gte=timezone.now() - datetime.timedelta(days=31))
        .exclude(product_id__in=list(no_sprint_reports))
        .exclude(delivery_reports__period=Period.SPRINT)
        .select_related("product")
    )
    for sprint in closed:
        sprint_report_build(sprint=sprint)
        built += 1
    return built


def after_sprint_close(sprint: Sprint) -> None:
    """Queue the closed sprint's report after commit, unless the product turned that off."""
    if DeliverySettings.objects.filter(product_id=sprint.product_id, after_sprint_close=False).exists():
        return
    enqueue_after_commit("delivery.build_sprint_report", sprint.pk)


# --- Cadence, subscriptions, publishing ------------------------------------------------


@transaction.atomic
def settings_ensure(*, product: Product) -> DeliverySettings:
    """The product's delivery settings, made with the defaults (monthly, after each sprint) when missing."""
    settings, created = DeliverySettings.objects.select_for_update().get_or_create(product=product)
    if settings.schedule is None:
        settings.schedule = cadence.schedule_set(settings, monthly=True)
        settings.save(update_fields=["schedule"])
    return settings


@transaction.atomic
def settings_set(
    *, actor: User, product: Product, monthly: bool, after_sprint_close: bool, expected_version: int | None = None
) -> DeliverySettings:
    settings = settings_ensure(product=product)
    settings = (
        DeliverySettings.objects.select_for_update(of=("self",))
        .select_related("schedule", "product")
        .get(pk=settings.pk)
    )
    refuse_if_stale(settings, expected_version, label="The delivery report settings")
    settings.schedule = cadence.schedule_set(settings, monthly=monthly)
    settings.after_sprint_close = after_sprint_close
    settings.version += 1
    settings.save(update_fields=["schedule", "after_sprint_close", "version"])
    return settings


@transaction.atomic
def subscription_set(*, actor: User, product: Product, subscribed: bool) -> bool:
    if subscribed:
        DeliverySubscription.objects.get_or_create(product=product, person=actor)
    else:
        DeliverySubscription.objects.filter(product=product, person=actor).delete()
    return subscribed


@transaction.atomic
def report_publish(
    *, actor: User, report: DeliveryReport, published: bool, expected_version: int | None = None
) -> DeliveryReport:
    """Publish the report's summary to everyone in the product (stakeholders see
    the latest published one), or take it back. What is published is the summary
    as it stands now: a later rebuild does not change it until published again."""
    report = DeliveryReport.objects.select_for_update().get(pk=report.pk)
    refuse_if_stale(report, expected_version, label=f"The report of {report.title}", field="publish_version")
    if published:
        report.published_at, report.published_by = timezone.now(), actor
        report.published_summary = report.summary
    else:
        report.published_at, report.published_by, report.published_summary = None, None, ""
    report.publish_version += 1
    report.save(update_fields=["published_at", "published_by", "published_summary", "publish_version"])
    return report
