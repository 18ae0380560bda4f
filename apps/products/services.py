"""Changes to products, their outcome metrics and the metrics' readings."""

import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.models import ApiToken, Membership, Role, User
from apps.accounts.permissions import forget_roles
from apps.core.versions import refuse_if_stale
from apps.products.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, MetricReading, OutcomeMetric, Product

EDITABLE_FIELDS = frozenset({"name", "kind", "vision", "definition_of_done"})


@transaction.atomic
def product_create(
    *,
    actor: User,
    name: str,
    kind: str = Product.Kind.ML,
    vision: str = "",
    definition_of_done: str = "",
    slug: str = "",
) -> Product:
    """Create a product; its creator becomes its first product manager."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A product needs a name."})
    product = Product(
        name=name,
        slug=slug or _unique_slug(name),
        kind=kind,
        vision=vision,
        definition_of_done=definition_of_done,
    )
    product.full_clean()
    product.save()
    Membership.objects.create(product=product, user=actor, role=Role.PRODUCT_MANAGER)
    forget_roles(actor)
    return product


@transaction.atomic
def product_update(*, actor: User, product: Product, expected_version: int, **changes) -> Product:
    """Change the product's name, kind, vision or definition of done, refusing
    the edit if someone saved the product since `expected_version`."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = Product.objects.select_for_update().get(pk=product.pk)
    refuse_if_stale(current, expected_version, label=current.name)
    for field, value in changes.items():
        setattr(current, field, value.strip() if field == "name" else value)
    if not current.name:
        raise ValidationError({"name": "A product needs a name."})
    current.full_clean()
    current.version += 1
    current.save(update_fields=[*changes, "version"])
    return current


# What a metric's edit may change; its current value comes from its readings.
METRIC_EDITABLE_FIELDS = frozenset({"name", "unit", "direction", "baseline", "target", "description"})
# The most readings one push may carry (five years of daily readings fit many times).
MAX_READINGS_PER_PUSH = 10_000
_LARGEST_VALUE = Decimal(10) ** (VALUE_MAX_DIGITS - VALUE_DECIMAL_PLACES)
_VALUE_STEP = Decimal(1).scaleb(-VALUE_DECIMAL_PLACES)


@transaction.atomic
def metric_add(*, actor: User, product: Product, current=None, **fields) -> OutcomeMetric:
    """Add an outcome metric (KPI) the product exists to move. A `current`
    value becomes the metric's first reading, measured today."""
    unknown = set(fields) - METRIC_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    metric = OutcomeMetric(product=product, **fields)
    metric.name = (metric.name or "").strip()
    _validate_metric(metric)
    metric.save()
    if current is not None:
        readings_record(actor=actor, metric=metric, readings=[(timezone.localdate(), current)])
        metric.refresh_from_db()
    return metric


@transaction.atomic
def metric_update(*, actor: User, metric: OutcomeMetric, expected_version: int | None, **changes) -> OutcomeMetric:
    """Change the metric's name, unit, direction, baseline, target or
    description, refusing the edit if someone saved it since `expected_version`."""
    unknown = set(changes) - METRIC_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = OutcomeMetric.objects.select_for_update().select_related("product").get(pk=metric.pk)
    refuse_if_stale(current, expected_version, label=f"The metric “{current.name}”")
    for field, value in changes.items():
        setattr(current, field, value.strip() if isinstance(value, str) else value)
    _validate_metric(current)
    current.version += 1
    current.save(update_fields=[*changes, "version"])
    return current


def _validate_metric(metric: OutcomeMetric) -> None:
    if not metric.name:
        raise ValidationError({"name": "A metric needs a name."})
    duplicate = OutcomeMetric.objects.filter(product_id=metric.product_id, name__iexact=metric.name)
    if duplicate.exclude(pk=metric.pk).exists():
        raise ValidationError({"name": f"The product already has a metric called “{metric.name}”."})
    metric.full_clean(validate_unique=False, validate_constraints=False)


@transaction.atomic
def metric_remove(*, actor: User, metric: OutcomeMetric) -> None:
    metric.delete()


@transaction.atomic
def readings_record(
    *,
    actor: User,
    metric: OutcomeMetric,
    readings: Sequence[tuple[datetime.date, Decimal | str | float | int]],
    token: ApiToken | None = None,
) -> int:
    """Record values of the metric, each with the day it was measured: all of
    them or none. A day in the future, a value that is not a number (or does
    not fit), or one day twice in one push refuses the whole push, naming the
    rows. A day that already has a reading gets the new value. Through a
    token, the readings count as pushed by a pipeline (and name the token).
    Returns how many readings were written."""
    if not readings:
        raise ValidationError({"readings": "Send at least one reading."})
    if len(readings) > MAX_READINGS_PER_PUSH:
        raise ValidationError({"readings": f"Send at most {MAX_READINGS_PER_PUSH} readings at a time."})
    today = timezone.localdate()
    problems: list[str] = []
    seen: set[datetime.date] = set()
    rows: list[tuple[datetime.date, Decimal]] = []
    for number, (measured_on, raw) in enumerate(readings, start=1):
        where = f"Reading {number}" if len(readings) > 1 else "The reading"
        value = _metric_value(raw)
        found = len(problems)
        if not isinstance(measured_on, datetime.date):
            problems.append(f"{where}: say on which day it was measured (YYYY-MM-DD).")
        elif measured_on > today:
            problems.append(f"{where}: {measured_on:%Y-%m-%d} is in the future; readings are of days that happened.")
        elif measured_on in seen:
            problems.append(f"{where}: {measured_on:%Y-%m-%d} comes twice in this push.")
        if value is None:
            problems.append(f"{where}: {str(raw)[:40]!r} is not a number with at most 10 digits before the point.")
        if len(problems) == found and value is not None:
            seen.add(measured_on)
            rows.append((measured_on, value))
    if problems:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more."] if len(problems) > 20 else [])
        raise ValidationError({"readings": shown})
    metric = OutcomeMetric.objects.select_for_update().get(pk=metric.pk)
    now = timezone.now()
    source = MetricReading.Source.PIPELINE if token is not None else MetricReading.Source.MANUAL
    MetricReading.objects.bulk_create(
        [
            MetricReading(
                metric=metric,
                measured_on=measured_on,
                value=value,
                source=source,
                recorded_by=actor,
                token=token,
                token_name=token.name if token is not None else "",
                recorded_at=now,
            )
            for measured_on, value in rows
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["metric", "measured_on"],
        update_fields=["value", "source", "recorded_by", "token", "token_name", "recorded_at"],
    )
    _refresh_current(metric)
    return len(rows)


@transaction.atomic
def reading_remove(*, actor: User, reading: MetricReading) -> None:
    """Remove a reading entered by mistake; the metric's current value follows."""
    metric = OutcomeMetric.objects.select_for_update().get(pk=reading.metric_id)
    MetricReading.objects.filter(pk=reading.pk).delete()
    _refresh_current(metric)


def _metric_value(raw) -> Decimal | None:
    """A reading's value as the column keeps it (rounded to 4 places), or None
    for anything that is not a finite number that fits."""
    if isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw).strip()) if not isinstance(raw, Decimal) else raw
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or abs(value) >= _LARGEST_VALUE:
        return None
    return value.quantize(_VALUE_STEP)


def _refresh_current(metric: OutcomeMetric) -> None:
    latest = MetricReading.objects.filter(metric=metric).order_by("-measured_on").values("value", "measured_on").first()
    metric.current = latest["value"] if latest else None
    metric.current_on = latest["measured_on"] if latest else None
    metric.save(update_fields=["current", "current_on"])


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "product"
    slug, n = base, 2
    while Product.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
