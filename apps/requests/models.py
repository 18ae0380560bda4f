"""Stakeholder requests: a problem someone outside the team wants solved,
its public thread, votes and watchers, the team's triage decisions, and the
events those decisions cause (told through apps.notifications)."""

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from apps.notifications import models as notifications
from apps.notifications.kinds import Email, Kind

DEFAULT_RESPONSE_TARGET_DAYS = 5


# What a requester writes when submitting, on the page and through the API alike.
SUBMITTED_FIELDS = [
    "title",
    "problem",
    "affected",
    "desired_outcome",
    "success_measure",
    "business_value",
    "urgency",
    "needed_by",
    "visibility",
]


class StakeholderRequestQuerySet(models.QuerySet):
    def with_vote_count(self) -> "StakeholderRequestQuerySet":
        """Votes per request as a correlated subquery: unlike a join with GROUP BY,
        it is computed only for the rows of the page, however many match."""
        votes = Vote.objects.filter(request=OuterRef("pk")).order_by().values("request").annotate(n=Count("pk"))
        return self.annotate(vote_count=Coalesce(Subquery(votes.values("n"), output_field=IntegerField()), 0))

    def as_seen_by(self, user) -> "StakeholderRequestQuerySet":
        """Adds vote_count, has_voted and is_watching for `user`, and the joins every page and list shows."""
        return (
            self.select_related("product", "requester", "backlog_item", "duplicate_of")
            .with_vote_count()
            .annotate(
                has_voted=Exists(Vote.objects.filter(request=OuterRef("pk"), user=user)),
                is_watching=Exists(Watcher.objects.filter(request=OuterRef("pk"), user=user)),
            )
        )


class StakeholderRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        NEEDS_INFO = "needs_info", "More information needed"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        DUPLICATE = "duplicate", "Duplicate"
        DELIVERED = "delivered", "Delivered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Urgency(models.TextChoices):
        LOW = "low", "Low: whenever there is room"
        MEDIUM = "medium", "Medium: this quarter"
        HIGH = "high", "High: this month"
        CRITICAL = "critical", "Critical: work is blocked"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Everyone in the product"
        PRIVATE = "private", "Only me and the product team"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="stakeholder_requests")
    # Per-product sequence shown to people, e.g. R-7.
    number = models.PositiveIntegerField()
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="stakeholder_requests"
    )
    title = models.CharField(max_length=200)
    problem = models.TextField(help_text="Markdown. What is hard or impossible today, and why it matters.")
    affected = models.CharField("who has this problem", max_length=300, blank=True)
    desired_outcome = models.TextField(help_text="Markdown. What is different once the problem is solved.")
    success_measure = models.TextField("how it would be measured", blank=True)
    business_value = models.TextField(blank=True, help_text="What solving it is worth: money, time, risk.")
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    needed_by = models.DateField(null=True, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    decision_note = models.TextField(blank=True, help_text="Markdown. The PM's reason, shown to the requester.")
    backlog_item = models.ForeignKey(
        "backlog.BacklogItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stakeholder_requests",
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    # Hidden from the triage inbox until this day; query-time, so it returns by itself.
    snoozed_until = models.DateField(null=True, blank=True)
    # The expected delivery date watchers were last told; a new estimate that
    # differs from it is a "delivery moved" notification.
    expected_delivery = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Incremented by every triage change; a decision based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = StakeholderRequestQuerySet.as_manager()

    class Meta:
        ordering = ["product_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="one_request_number_per_product"),
            models.CheckConstraint(
                condition=~models.Q(status="duplicate") | models.Q(duplicate_of__isnull=False),
                name="duplicate_request_names_the_kept_one",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "status", "created_at"]),
            # The request list's order: newest first, read backwards, so a page stops after its rows.
            models.Index(fields=["product", "created_at", "id"], name="request_list_order"),
            models.Index(fields=["requester", "created_at"]),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("requests:detail", args=[self.product.slug, self.number])

    @property
    def reference(self) -> str:
        return f"R-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.NEW, self.Status.NEEDS_INFO)


class Vote(models.Model):
    """ "This is my problem too": one per person and request."""

    request = models.ForeignKey(StakeholderRequest, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="one_vote_per_person_and_request")]

    def __str__(self):
        return f"+1 by {self.user_id} on request {self.request_id}"


class Watcher(models.Model):
    """Someone told by email when the request's status or delivery date changes."""

    request = models.ForeignKey(StakeholderRequest, on_delete=models.CASCADE, related_name="watchers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watched_requests")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="one_watch_per_person_and_request")]

    def __str__(self):
        return f"user {self.user_id} watches request {self.request_id}"


class Comment(models.Model):
    """The public thread between requester and PM, or (internal) a team note
    that stakeholders never see."""

    request = models.ForeignKey(StakeholderRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    body = models.TextField(help_text="Markdown.")
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request_id", "created_at", "id"]

    def __str__(self):
        return ("Internal note" if self.internal else "Comment") + f" on request {self.request_id}"


def _attachment_path(attachment: "Attachment", filename: str) -> str:
    # The stored name is random: what people uploaded never becomes a path.
    return f"requests/{attachment.request.product_id}/{attachment.token}{attachment.extension}"


class Attachment(models.Model):
    """An uploaded file, checked for size and type, served only through a
    view that asks the permission module (never from a public media URL)."""

    request = models.ForeignKey(StakeholderRequest, on_delete=models.CASCADE, related_name="attachments")
    token = models.UUIDField(unique=True)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request_id", "created_at", "id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("requests:attachment", args=[self.request.product.slug, self.request.number, self.pk])


class RequestEvent(models.Model):
    """Something the requester and watchers are told about: a status change
    (with the PM's note), a move of the expected delivery date, or a finding
    of work the request motivated (an experiment that concluded)."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status changed"
        DELIVERY_MOVED = "delivery_moved", "Expected delivery moved"
        FINDING = "finding", "Finding shared"

    request = models.ForeignKey(StakeholderRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    old_status = models.CharField(max_length=20, choices=StakeholderRequest.Status.choices, blank=True)
    new_status = models.CharField(max_length=20, choices=StakeholderRequest.Status.choices, blank=True)
    note = models.TextField(blank=True)
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The outbox rows telling the requester and watchers (apps.notifications):
    # `Notification.objects.filter(event=...)` finds them.
    notifications = GenericRelation(
        notifications.Notification,
        content_type_field="target_type",
        object_id_field="target_id",
        related_query_name="event",
    )

    class Meta:
        ordering = ["request_id", "created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} on request {self.request_id}"


class RequestUpdatePreferences(models.Manager["NotificationPreference"]):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Kind.REQUEST_STATUS)


class NotificationPreference(notifications.NotificationPreference):
    """A person's choice about request updates: their row of the shared
    preferences (apps.notifications) for request decisions and status. The
    switch of the old "Request emails" page and API reads it."""

    objects: ClassVar[RequestUpdatePreferences] = RequestUpdatePreferences()

    class Meta:
        proxy = True

    @property
    def email_on_request_updates(self) -> bool:
        return self.email != Email.OFF


class TriageSettings(models.Model):
    """A product's service level for requests; without a row the default applies."""

    product = models.OneToOneField("products.Product", on_delete=models.CASCADE, related_name="triage_settings")
    response_target_days = models.PositiveSmallIntegerField(
        "decision target (working days)",
        default=DEFAULT_RESPONSE_TARGET_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Requests waiting longer than this for a decision are flagged in the inbox.",
    )

    class Meta:
        verbose_name_plural = "triage settings"

    def __str__(self):
        return f"Triage target of product {self.product_id}: {self.response_target_days} working days"
