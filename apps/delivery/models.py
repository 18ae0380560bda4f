"""Delivery reports: a stored snapshot of one product's delivery figures for
one period (a month, or one sprint at its close), its cadence in
django-celery-beat, the people it is emailed to, and the outbox of those emails."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_celery_beat.models import PeriodicTask


class Period(models.TextChoices):
    MONTH = "month", "Month"
    SPRINT = "sprint", "Sprint"


class DeliverySettings(models.Model):
    """How often a product's delivery report is built; absent means the defaults
    (monthly, and after every sprint close)."""

    product = models.OneToOneField("products.Product", on_delete=models.CASCADE, related_name="delivery_settings")
    after_sprint_close = models.BooleanField(default=True, help_text="Build a report of each sprint when it closes.")
    # The monthly (or other) cadence lives in django-celery-beat so it can be edited in the admin.
    schedule = models.OneToOneField(
        PeriodicTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="delivery_settings"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "delivery settings"

    def __str__(self):
        return f"Delivery reports of {self.product}"


class DeliveryReport(models.Model):
    """The figures of one product and period. Rebuilding updates this row in
    place; a rebuild that changes the figures bumps `version`, and each version
    is emailed to the subscribers once."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="delivery_reports")
    period = models.CharField(max_length=10, choices=Period.choices)
    start = models.DateField()
    end = models.DateField()
    sprint = models.ForeignKey(
        "sprints.Sprint", on_delete=models.SET_NULL, null=True, blank=True, related_name="delivery_reports"
    )
    figures = models.JSONField(default=dict)
    # The plain-language summary written from the figures by rules (part of the snapshot).
    summary = models.TextField(blank=True)
    built_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    emailed_version = models.PositiveIntegerField(default=0)
    # Published by the PM: stakeholders see the summary of the latest published report.
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_summary = models.TextField(blank=True)
    publish_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "-end", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "period", "start", "end"], name="one_delivery_report_per_period"
            ),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="delivery_period_is_ordered"),
        ]
        indexes = [models.Index(fields=["product", "-end"]), models.Index(fields=["product", "published_at"])]

    def __str__(self):
        return f"Delivery report {self.title} · {self.product_id}"

    def get_absolute_url(self):
        return reverse("delivery:report", args=[self.product.slug, self.pk])

    @property
    def title(self) -> str:
        if self.period == Period.MONTH:
            return self.start.strftime("%B %Y")
        name = (self.figures or {}).get("sprint_name") or "Sprint"
        return f"{name} ({self.start.day} {self.start:%b} – {self.end.day} {self.end:%b %Y})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class DeliverySubscription(models.Model):
    """A team member who gets the product's delivery reports by email."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="delivery_subscriptions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "person"], name="one_delivery_subscription_per_person")
        ]

    def __str__(self):
        return f"{self.person} · {self.product}"


class DeliveryEmail(models.Model):
    """The outbox: one row per report version and recipient, written in the
    build's transaction and sent after commit (or by the sweep), once."""

    report = models.ForeignKey(DeliveryReport, on_delete=models.CASCADE, related_name="emails")
    version = models.PositiveIntegerField()
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "version", "person"], name="one_delivery_email_per_version")
        ]
        indexes = [models.Index(fields=["sent_at"], condition=models.Q(sent_at__isnull=True), name="unsent_delivery")]

    def __str__(self):
        return f"Delivery report {self.report_id} v{self.version} to {self.person_id}"
