"""The roadmap of a product: items in Now / Next / Later, dated milestones,
the forecasts of when the linked work will be done, and the personal tokens
of the iCalendar feed."""

import datetime
import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse


class Horizon(models.TextChoices):
    NOW = "now", "Now"
    NEXT = "next", "Next"
    LATER = "later", "Later"


class RoadmapItem(models.Model):
    class Status(models.TextChoices):
        IDEA = "idea", "Idea"
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DELIVERED = "delivered", "Delivered"
        DROPPED = "dropped", "Dropped"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="roadmap_items")
    title = models.CharField(max_length=200)
    outcome = models.TextField("desired outcome", blank=True, help_text="Markdown. What changes for whom once done.")
    outcome_metric = models.ForeignKey(
        "products.OutcomeMetric",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_items",
        help_text="The product's outcome metric this item should move, where one fits.",
    )
    horizon = models.CharField(max_length=10, choices=Horizon.choices, default=Horizon.NEXT)
    # Order within the horizon: sparse, as in the backlog (apps.backlog.ranking).
    rank = models.BigIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField(null=True, blank=True, help_text="When work begins; the timeline's bar starts here.")
    target_date = models.DateField(null=True, blank=True)
    # "2026-Q3" when the PM commits to a quarter rather than a day.
    target_quarter = models.CharField(max_length=7, blank=True)

    shared = models.BooleanField(
        "shared with stakeholders", default=False, help_text="Stakeholders see it with its public description."
    )
    public_description = models.TextField(blank=True, help_text="Markdown. What stakeholders read.")
    internal_notes = models.TextField(blank=True, help_text="Markdown. The team's only; never shown to stakeholders.")

    epics = models.ManyToManyField(
        "backlog.BacklogItem", blank=True, related_name="roadmap_items_as_epic", limit_choices_to={"kind": "epic"}
    )
    backlog_items = models.ManyToManyField("backlog.BacklogItem", blank=True, related_name="roadmap_items")
    requests = models.ManyToManyField("requests.StakeholderRequest", blank=True, related_name="roadmap_items")
    # The bets this item makes (apps.hypotheses); the hypothesis page lists them back through its sections.
    hypotheses = models.ManyToManyField("hypotheses.Hypothesis", blank=True, related_name="roadmap_items")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    # Its thread, watchers and the notifications about it go with it (apps.conversation, apps.notifications).
    comments = GenericRelation("conversation.Comment", content_type_field="target_type", object_id_field="target_id")
    watches = GenericRelation("conversation.Watch", content_type_field="target_type", object_id_field="target_id")
    notifications = GenericRelation(
        "notifications.Notification", content_type_field="target_type", object_id_field="target_id"
    )

    class Meta:
        ordering = ["product_id", "horizon", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["product", "horizon", "rank"], name="one_roadmap_item_per_rank"),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(target_date__isnull=True)
                | models.Q(target_date__gte=models.F("start_date")),
                name="roadmap_item_target_after_start",
                violation_error_message="The target date cannot be before the start date.",
            ),
        ]
        indexes = [models.Index(fields=["product", "shared", "horizon", "rank"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roadmap:item", args=[self.product.slug, self.pk])

    @property
    def target(self) -> datetime.date | None:
        """The day the item is due: its target date, else the last day of its target quarter."""
        if self.target_date is not None:
            return self.target_date
        return quarter_end(self.target_quarter)

    @property
    def target_label(self) -> str:
        if self.target_date is not None:
            return f"{self.target_date.day} {self.target_date:%b %Y}"
        return self.target_quarter.replace("-", " ") if self.target_quarter else ""

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.DELIVERED, self.Status.DROPPED)


def quarter_end(quarter: str) -> datetime.date | None:
    """The last day of "2026-Q3"; None for an empty or malformed quarter."""
    try:
        year, q = quarter.split("-Q")
        year_number, q_number = int(year), int(q)
    except (ValueError, AttributeError):
        return None
    if not (1 <= q_number <= 4 and 1900 < year_number < 3000):
        return None
    first_of_next = datetime.date(year_number + (q_number == 4), 1 if q_number == 4 else 3 * q_number + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def quarter_start(quarter: str) -> datetime.date | None:
    end = quarter_end(quarter)
    return None if end is None else datetime.date(end.year, end.month - 2, 1)


class Milestone(models.Model):
    """A dated point on the roadmap ("model in shadow traffic"), optionally
    tied to a roadmap item and to the sprint meant to reach it."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    date = models.DateField()
    description = models.TextField(blank=True, help_text="Markdown.")
    roadmap_item = models.ForeignKey(
        RoadmapItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones"
    )
    sprint = models.ForeignKey(
        "sprints.Sprint", on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones"
    )
    shared = models.BooleanField("shared with stakeholders", default=False)
    reached_at = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "date", "id"]
        indexes = [models.Index(fields=["product", "date"])]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"


class Forecast(models.Model):
    """The latest Monte Carlo forecast of a roadmap item or an epic: the dates
    by which the remaining work is 50/85/95 % likely done, with the inputs the
    simulation used. Recomputing with unchanged inputs changes nothing."""

    class Outcome(models.TextChoices):
        FORECAST = "forecast", "Forecast"
        NOT_ENOUGH_HISTORY = "not_enough_history", "Not enough history"
        NO_REMAINING_WORK = "no_remaining_work", "No remaining work"
        NO_LINKED_WORK = "no_linked_work", "No linked work"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="forecasts")
    roadmap_item = models.OneToOneField(
        RoadmapItem, on_delete=models.CASCADE, null=True, blank=True, related_name="forecast"
    )
    epic = models.OneToOneField(
        "backlog.BacklogItem", on_delete=models.CASCADE, null=True, blank=True, related_name="forecast"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    message = models.TextField(blank=True)
    computed_at = models.DateTimeField()
    start = models.DateField(help_text="The day the simulation counts from.")
    p50 = models.DateField(null=True, blank=True)
    p85 = models.DateField(null=True, blank=True)
    p95 = models.DateField(null=True, blank=True)
    target = models.DateField(null=True, blank=True)
    chance_on_target = models.FloatField(null=True, blank=True)
    histogram = models.JSONField(default=list, blank=True)
    inputs = models.JSONField(default=dict, blank=True)
    # A digest of `inputs`: the same inputs give the same forecast, so nothing is rewritten.
    fingerprint = models.CharField(max_length=64)
    previous_p85 = models.DateField(null=True, blank=True)
    # Days the 85 % date moved at the last recomputation that moved it (later is positive).
    moved_days = models.IntegerField(default=0)
    # Moved by more than a week at that recomputation.
    flagged = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(roadmap_item__isnull=False, epic__isnull=True)
                | models.Q(roadmap_item__isnull=True, epic__isnull=False),
                name="forecast_of_one_item_or_one_epic",
            )
        ]

    def __str__(self):
        return f"Forecast of {'roadmap item ' + str(self.roadmap_item_id) if self.roadmap_item_id else self.epic_id}"

    @property
    def is_forecast(self) -> bool:
        return self.outcome == self.Outcome.FORECAST


class FeedToken(models.Model):
    """A person's secret address of a product's roadmap calendar. Only the
    SHA-256 digest of the secret in the address is stored (as for API tokens,
    apps.accounts.models.ApiToken): the address is shown once, when it is
    made, and looked up by digest. What the feed shows follows the owner's
    role at each fetch; a revoked token (by its owner, the PM, or a change of
    the owner's password) or one whose owner left the product shows nothing."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="roadmap_feed_tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roadmap_feed_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_feed_token_per_person_and_product",
            )
        ]

    def __str__(self):
        return f"Roadmap feed of user {self.user_id} for product {self.product_id}"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()
