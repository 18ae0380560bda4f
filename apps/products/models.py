from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from apps.accounts.models import Role


class Product(models.Model):
    class Kind(models.TextChoices):
        ML = "ml", "Machine learning"
        ANALYTICS = "analytics", "Analytics"
        PLATFORM = "platform", "Platform"
        SOFTWARE = "software", "Software"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ML)
    vision = models.TextField(blank=True, help_text="Markdown.")
    definition_of_done = models.TextField(blank=True, help_text="Markdown. Shown on every backlog item of the product.")
    created_at = models.DateTimeField(auto_now_add=True)
    # Incremented by every edit; an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # Set by apps.products.access.get_product: the viewer's role, for templates.
    viewer_role: "Role"

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("products:detail", args=[self.slug])


class OutcomeMetric(models.Model):
    """A measurable outcome (KPI) the product exists to move."""

    class Direction(models.TextChoices):
        INCREASE = "increase", "Higher is better"
        DECREASE = "decrease", "Lower is better"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="outcome_metrics")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    baseline = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    # The latest reading (by the date measured), kept by the reading services
    # so that lists show it without reading the series.
    current = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    current_on = models.DateField(null=True, blank=True)
    # Incremented by every edit; an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="one_metric_name_per_product"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("products:metric", args=[self.product.slug, self.pk])


# Digits of a metric value: up to 10 before the point and 4 after it.
VALUE_MAX_DIGITS = 14
VALUE_DECIMAL_PLACES = 4


class MetricReading(models.Model):
    """One measured value of an outcome metric on a day: entered by hand on the
    metric page, or pushed through the API by a pipeline with a token. One
    reading per metric and day: a later one for the same day replaces it (a
    re-run nightly job changes nothing)."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        PIPELINE = "pipeline", "Pushed by a pipeline"

    metric = models.ForeignKey(OutcomeMetric, on_delete=models.CASCADE, related_name="readings")
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.ForeignKey("accounts.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The token's name as it was: kept when the token is revoked (deleted).
    token_name = models.CharField(max_length=100, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["metric_id", "measured_on"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "measured_on"], name="one_reading_per_metric_and_day"),
        ]

    def __str__(self):
        return f"{self.value} on {self.measured_on}"
