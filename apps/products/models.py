from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse

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
    current = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["product_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="one_metric_name_per_product"),
        ]

    def __str__(self):
        return self.name
