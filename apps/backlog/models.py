from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from apps.accounts.models import User

# A three-point estimate whose range (pessimistic - optimistic) is wider than
# this multiple of its expected value is flagged as highly uncertain.
HIGH_UNCERTAINTY_RATIO = Decimal("1.0")


class PointsOptions(TypedDict):
    """The options of every points column (typed, so `DecimalField(**POINTS)` is checked)."""

    max_digits: int
    decimal_places: int
    null: bool
    blank: bool
    validators: Sequence[MinValueValidator]


POINTS: PointsOptions = {
    "max_digits": 5,
    "decimal_places": 1,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(0, "Points cannot be negative.")],
}
RANGE_FIELDS = ("estimate_optimistic", "estimate_likely", "estimate_pessimistic")
# The largest item number (a 32-bit integer column); input beyond it names no item. Checked
# before IN lookups, which SQLite answers with OverflowError for integers beyond 64 bits.
MAX_NUMBER = 2**31 - 1


def expected_points(story_points, optimistic, likely, pessimistic) -> Decimal | None:
    """PERT expected value of a three-point range, else the story points."""
    if None in (optimistic, likely, pessimistic):
        return story_points
    return (optimistic + 4 * likely + pessimistic) / 6


def is_highly_uncertain(optimistic, likely, pessimistic) -> bool:
    """A range wider than HIGH_UNCERTAINTY_RATIO times its expected value."""
    expected = expected_points(None, optimistic, likely, pessimistic)
    if not expected:
        return False
    return (pessimistic - optimistic) / expected > HIGH_UNCERTAINTY_RATIO


class Label(models.Model):
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=40)
    color = models.CharField(
        max_length=7,
        default="#667085",
        help_text="Hex colour, e.g. #3657c9.",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour is a hex code such as #3657c9.")],
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="one_label_name_per_product")]

    def __str__(self):
        return self.name


class BacklogItem(models.Model):
    class Kind(models.TextChoices):
        EPIC = "epic", "Epic"
        STORY = "story", "Story"
        TASK = "task", "Task"
        BUG = "bug", "Bug"
        SPIKE = "spike", "Spike"
        EXPERIMENT = "experiment", "Experiment"
        DATA_REQUEST = "data_request", "Data request"

    class Status(models.TextChoices):
        NEW = "new", "New"
        READY = "ready", "Ready"
        IN_PROGRESS = "in_progress", "In progress"
        IN_REVIEW = "in_review", "In review"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="backlog_items")
    # Per-product sequence shown to people, e.g. #42.
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STORY)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    # Order in the backlog: smaller comes first. Sparse, so a move writes one row.
    rank = models.BigIntegerField()
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"kind": "epic"},
        help_text="The epic this item belongs to.",
    )
    labels = models.ManyToManyField(Label, related_name="items", blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_items"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="created_items"
    )

    story_points = models.DecimalField(**POINTS)
    estimate_optimistic = models.DecimalField(**POINTS)
    estimate_likely = models.DecimalField(**POINTS)
    estimate_pessimistic = models.DecimalField(**POINTS)

    due_date = models.DateField(null=True, blank=True, help_text="When it must be done; overdue after this day.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Incremented by every edit; an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    # Its thread, watchers and the notifications about it go with it (apps.conversation, apps.notifications).
    comments = GenericRelation("conversation.Comment", content_type_field="target_type", object_id_field="target_id")
    watches = GenericRelation("conversation.Watch", content_type_field="target_type", object_id_field="target_id")
    notifications = GenericRelation(
        "notifications.Notification", content_type_field="target_type", object_id_field="target_id"
    )

    # Reordering is not an edit worth a history row; label changes are.
    history = HistoricalRecords(excluded_fields=["rank", "updated_at"], m2m_fields=[labels])
    # Set by the services for django-simple-history: who made the change, why,
    # and (for a change recorded by a later save) that this save writes no row.
    _history_user: "User | None"
    _change_reason: str
    skip_history_when_saving: bool

    class Meta:
        ordering = ["product_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="one_item_number_per_product"),
            models.UniqueConstraint(fields=["product", "rank"], name="one_item_per_rank_in_a_product"),
            models.CheckConstraint(
                condition=models.Q(estimate_optimistic__isnull=True)
                | models.Q(estimate_likely__isnull=True)
                | models.Q(estimate_pessimistic__isnull=True)
                | (
                    models.Q(estimate_optimistic__lte=models.F("estimate_likely"))
                    & models.Q(estimate_likely__lte=models.F("estimate_pessimistic"))
                ),
                name="estimate_range_is_ordered",
                violation_error_message="An estimate range must be optimistic ≤ likely ≤ pessimistic.",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    estimate_optimistic__isnull=True, estimate_likely__isnull=True, estimate_pessimistic__isnull=True
                )
                | models.Q(
                    estimate_optimistic__isnull=False, estimate_likely__isnull=False, estimate_pessimistic__isnull=False
                ),
                name="estimate_range_is_complete",
                violation_error_message="A range estimate needs all three of optimistic, likely and pessimistic.",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "status", "rank"]),
            # Epic menus and filters list a product's epics in order without walking every item.
            models.Index(fields=["product", "rank"], condition=models.Q(kind="epic"), name="epics_in_rank_order"),
            # Delivery figures and dashboards read what was finished in a period without walking every item.
            models.Index(
                fields=["product", "done_at", "kind"], condition=models.Q(status="done"), name="done_items_by_date"
            ),
        ]

    def __str__(self):
        return f"#{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("backlog:item", args=[self.product.slug, self.number])

    @property
    def has_range(self) -> bool:
        return None not in (self.estimate_optimistic, self.estimate_likely, self.estimate_pessimistic)

    @property
    def expected_points(self) -> Decimal | None:
        """PERT expected value of the range, else the story points."""
        return expected_points(self.story_points, *self._range)

    @property
    def spread(self) -> Decimal | None:
        """PERT standard deviation of the range: (pessimistic - optimistic) / 6."""
        if self.has_range:
            return (self.estimate_pessimistic - self.estimate_optimistic) / 6
        return None

    @property
    def is_highly_uncertain(self) -> bool:
        return is_highly_uncertain(*self._range)

    @property
    def _range(self) -> tuple:
        return self.estimate_optimistic, self.estimate_likely, self.estimate_pessimistic

    @property
    def is_estimated(self) -> bool:
        return self.story_points is not None or self.has_range

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.DROPPED)

    @property
    def is_overdue(self) -> bool:
        """Past its due date and neither done nor dropped."""
        return is_overdue(self.due_date, self.status)


def is_overdue(due_date: date | None, status: str, today: date | None = None) -> bool:
    """Past its due date and neither done nor dropped (for items read as plain values too)."""
    closed = (BacklogItem.Status.DONE, BacklogItem.Status.DROPPED)
    return due_date is not None and status not in closed and due_date < (today or timezone.localdate())


class AcceptanceCriterion(models.Model):
    item = models.ForeignKey(BacklogItem, on_delete=models.CASCADE, related_name="acceptance_criteria")
    text = models.CharField(max_length=500)
    met = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    _history_user: "User | None"  # who made the change, for django-simple-history (set by the services)

    class Meta:
        ordering = ["item_id", "position", "id"]

    def __str__(self):
        return self.text


class Blocker(models.Model):
    """Something the item waits on. Open while `resolved_at` is empty, so the
    time spent waiting (data access above all) can be measured."""

    class Kind(models.TextChoices):
        DATA_ACCESS = "data_access", "Data access / approval"
        DEPENDENCY = "dependency", "Depends on other work"
        EXTERNAL = "external", "External party"
        OTHER = "other", "Other"

    item = models.ForeignKey(BacklogItem, on_delete=models.CASCADE, related_name="blockers")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    reason = models.CharField(max_length=300)
    since = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["item_id", "-since"]
        indexes = [
            models.Index(fields=["item"], condition=models.Q(resolved_at__isnull=True), name="open_blockers_of_item")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True) | models.Q(resolved_at__gte=models.F("since")),
                name="blocker_resolved_after_it_began",
                violation_error_message="A blocker cannot be resolved before it began.",
            )
        ]

    def __str__(self):
        return self.reason


class ItemRelation(models.Model):
    """A link between two items of one product, read from both ends: A blocks
    B is B blocked by A; A duplicates B is B duplicated by A; "relates to" is
    the same from either end (stored once)."""

    class Kind(models.TextChoices):
        BLOCKS = "blocks", "blocks"
        RELATES = "relates", "relates to"
        DUPLICATES = "duplicates", "duplicates"

    # What each kind reads as from the other end.
    INVERSE = {Kind.BLOCKS: "is blocked by", Kind.RELATES: "relates to", Kind.DUPLICATES: "is duplicated by"}

    source = models.ForeignKey(BacklogItem, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(BacklogItem, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source_id", "kind", "target_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="one_relation_of_a_kind_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")),
                name="no_item_related_to_itself",
                violation_error_message="An item cannot be linked to itself.",
            ),
        ]
        indexes = [models.Index(fields=["target", "kind"])]

    def __str__(self):
        return f"{self.source_id} {self.kind} {self.target_id}"


def _attachment_path(attachment: "ItemAttachment", filename: str) -> str:
    # The stored name is random: what people uploaded never becomes a path.
    return f"backlog/{attachment.item.product_id}/{attachment.token}{attachment.extension}"


class ItemAttachment(models.Model):
    """A file on an item, checked for type and size as every upload is
    (apps.core.uploads), served only through a view that asks the backlog's
    access functions (never from a public media URL)."""

    item = models.ForeignKey(BacklogItem, on_delete=models.CASCADE, related_name="attachments")
    token = models.UUIDField(unique=True)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "created_at", "id"]

    def __str__(self):
        return self.original_name


class SavedFilter(models.Model):
    """A named filter of the backlog or of a sprint board: kept per person,
    shown to the whole team of the product when shared."""

    class Page(models.TextChoices):
        BACKLOG = "backlog", "Backlog"
        BOARD = "board", "Sprint board"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="saved_filters")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    page = models.CharField(max_length=10, choices=Page.choices, default=Page.BACKLOG)
    name = models.CharField(max_length=60)
    # The page's query string, with only the keys that filter it.
    query = models.CharField(max_length=1000, blank=True)
    shared = models.BooleanField("shared with the product", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product_id", "page", "name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "owner", "page", "name"], name="one_filter_name_per_person")
        ]

    def __str__(self):
        return self.name
