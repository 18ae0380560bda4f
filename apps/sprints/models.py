from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from apps.backlog.models import BacklogItem

POINTS: dict[str, Any] = {"max_digits": 8, "decimal_places": 1}
# Item statuses whose work needs no more decision when a sprint closes.
FINISHED_WORK = (BacklogItem.Status.DONE, BacklogItem.Status.DROPPED)


class SprintSettings(models.Model):
    """How a product runs its sprints; absent means the defaults."""

    product = models.OneToOneField("products.Product", on_delete=models.CASCADE, related_name="sprint_settings")
    allow_parallel_sprints = models.BooleanField(
        default=False,
        help_text="Several teams may run sprints of this product at the same time (dates may overlap).",
    )
    # Work-in-progress limits of the board's columns: {"in_progress": 3, ...}; a
    # column without a limit is absent. The board warns when a column holds more.
    wip_limits = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "sprint settings"

    def __str__(self):
        return f"Sprint settings of {self.product}"


class Sprint(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", "Standard"
        STAGED = "staged", "Staged (data science)"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="sprints")
    name = models.CharField(max_length=120)
    goal = models.TextField(blank=True, help_text="Markdown.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STANDARD)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField()
    end_date = models.DateField()
    # Team capacity; when per-person capacities are recorded it is their sum.
    capacity_points = models.DecimalField(**POINTS, null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    # Sprint review.
    goal_met = models.BooleanField(null=True, blank=True)
    review_notes = models.TextField(blank=True, help_text="Markdown: feedback from the review.")

    # Figures frozen when the sprint closes, so later work on carried-over
    # items cannot rewrite a closed sprint's history.
    committed_points = models.DecimalField(**POINTS, null=True, blank=True)
    added_points = models.DecimalField(**POINTS, null=True, blank=True)
    removed_points = models.DecimalField(**POINTS, null=True, blank=True)
    completed_points = models.DecimalField(**POINTS, null=True, blank=True)
    completed_committed_points = models.DecimalField(**POINTS, null=True, blank=True)
    carried_over_points = models.DecimalField(**POINTS, null=True, blank=True)
    dropped_points = models.DecimalField(**POINTS, null=True, blank=True)
    burndown = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["product_id", "-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="sprint_ends_after_it_starts",
                violation_error_message="A sprint cannot end before it starts.",
            ),
        ]
        indexes = [models.Index(fields=["product", "status", "-start_date"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sprints:detail", args=[self.product.slug, self.pk])

    @property
    def is_staged(self) -> bool:
        return self.kind == self.Kind.STAGED

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def length_days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def say_do_ratio(self) -> Decimal | None:
        """Share of the committed points that were finished (closed sprints)."""
        if not self.committed_points:
            return None
        return (self.completed_committed_points or 0) / self.committed_points


class PersonCapacity(models.Model):
    """What one person can take on in a sprint: points for a full sprint, less their days off."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="capacities")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(**POINTS, help_text="Points this person delivers in a full sprint.")
    days_off = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name_plural = "person capacities"
        ordering = ["sprint_id", "person_id"]
        constraints = [models.UniqueConstraint(fields=["sprint", "person"], name="one_capacity_per_person_and_sprint")]

    def __str__(self):
        return f"{self.person}: {self.points} points, {self.days_off} days off"


class SprintStage(models.Model):
    """One ordered step of a staged sprint, e.g. data analysis, modelling, evaluation, delivery."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    goal = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why the stage was closed although some exit criteria were not met.
    override_reason = models.TextField(blank=True)
    burndown = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sprint_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sprint", "position"], name="one_stage_per_position"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="stage_ends_after_it_starts",
                violation_error_message="A stage cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ExitCriterion(models.Model):
    stage = models.ForeignKey(SprintStage, on_delete=models.CASCADE, related_name="exit_criteria")
    text = models.CharField(max_length=300)
    met = models.BooleanField(default=False)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name_plural = "exit criteria"
        ordering = ["stage_id", "position", "id"]

    def __str__(self):
        return self.text


class StageTemplate(models.Model):
    """A product's own stage plan for new staged sprints (the data-science default when it has none)."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="sprint_stage_templates")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    goal = models.TextField(blank=True)
    days = models.PositiveSmallIntegerField(help_text="Length of the stage in a sprint of the template's total length.")
    exit_criteria = models.TextField(blank=True, help_text="One criterion per line.")

    class Meta:
        ordering = ["product_id", "position"]
        constraints = [models.UniqueConstraint(fields=["product", "position"], name="one_template_stage_per_position")]

    def __str__(self):
        return self.name


class SprintItem(models.Model):
    """A backlog item's membership of one sprint, and what became of it there."""

    # Set by selectors.sprint_entries: numbers of the items that block this one and are neither done nor in the sprint.
    blocked_by_outside: list[int]

    class Outcome(models.TextChoices):
        OPEN = "open", "In the sprint"
        FINISHED = "finished", "Finished"
        CARRIED_OVER = "carried_over", "Carried over"
        DROPPED = "dropped", "Returned to the backlog"
        REMOVED = "removed", "Taken out mid-sprint"

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="sprint_items")
    item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, related_name="sprint_entries")
    stage = models.ForeignKey(
        SprintStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="sprint_items"
    )
    # Expected points when the item entered the sprint (refreshed when the sprint starts).
    points = models.DecimalField(**POINTS, default=Decimal(0))
    # Part of the plan: in the sprint when it started, or planned into a later
    # stage while a staged sprint's first stage was open. Otherwise added mid-sprint.
    committed = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    # What an experiment or analysis answered: an intermediate delivery even if nothing shipped.
    finding = models.TextField(blank=True)

    class Meta:
        ordering = ["sprint_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sprint", "item"], name="item_once_per_sprint"),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(outcome="open"), name="item_in_one_open_sprint_at_a_time"
            ),
        ]
        indexes = [models.Index(fields=["item", "outcome"])]

    def __str__(self):
        return f"{self.item} in {self.sprint}"

    @property
    def is_unfinished(self) -> bool:
        """Still in the sprint with its work neither done nor dropped: closing the sprint must decide about it."""
        return self.outcome == self.Outcome.OPEN and self.item.status not in FINISHED_WORK


class ScopeEvent(models.Model):
    """A change to what remains in an active sprint: the burndown is replayed from these."""

    class Kind(models.TextChoices):
        COMMITTED = "committed", "Committed at start"
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"
        FINISHED = "finished", "Finished"
        REOPENED = "reopened", "Reopened"

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="scope_events")
    sprint_item = models.ForeignKey(SprintItem, on_delete=models.CASCADE, related_name="scope_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    points = models.DecimalField(**POINTS)
    happened_at = models.DateTimeField()

    class Meta:
        ordering = ["sprint_id", "happened_at", "id"]
        indexes = [models.Index(fields=["sprint", "happened_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points} ({self.sprint_item})"
