"""The scientific side of the work: planning assumptions (on a sprint or a
hypothesis), hypotheses of a product with their experiments and decisions,
the learning log those decisions write, feasibility assessments, and the
release gates a model version passes before it ships."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from apps.products.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, OutcomeMetric

if TYPE_CHECKING:
    from apps.backlog.models import BacklogItem
    from apps.requests.models import StakeholderRequest


def _value(verbose_name: str = "", **options) -> models.DecimalField:
    """A metric value column (as the outcome metrics keep them), optional."""
    return models.DecimalField(
        verbose_name or None,
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
        **options,
    )


class Hypothesis(models.Model):
    """We believe [change] for [audience] will result in [outcome]; we will
    know when [metric] moves from [baseline] to [target] by [target_date]."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        TESTING = "testing", "Testing"
        VALIDATED = "validated", "Validated"
        INVALIDATED = "invalidated", "Invalidated"
        INCONCLUSIVE = "inconclusive", "Inconclusive"

    CONCLUDED = frozenset({Status.VALIDATED, Status.INVALIDATED, Status.INCONCLUSIVE})

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="hypotheses")
    # Per-product sequence shown to people, e.g. H-7.
    number = models.PositiveIntegerField()
    change = models.CharField("we believe", max_length=300, help_text="The change: what we will build or do.")
    audience = models.CharField("for", max_length=200, help_text="For whom.")
    outcome = models.CharField("will result in", max_length=300, help_text="The outcome we expect.")
    metric = models.ForeignKey(
        OutcomeMetric,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hypotheses",
        help_text="One of the product's outcome metrics…",
    )
    metric_text = models.CharField(
        "or a metric of its own", max_length=120, blank=True, help_text="…or a metric only this hypothesis uses."
    )
    # For a metric of its own (an outcome metric brings its own).
    direction = models.CharField(
        max_length=10, choices=OutcomeMetric.Direction.choices, default=OutcomeMetric.Direction.INCREASE
    )
    unit = models.CharField(max_length=30, blank=True)
    baseline = _value("moves from")
    target = _value("to")
    target_date = models.DateField("by", null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_hypotheses"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    # The reason given with the last status change (required to go back to testing).
    status_reason = models.TextField(blank=True)
    confidence_before = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How sure we are before testing, 0–100 %."
    )
    confidence_after = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How sure we are after testing, 0–100 %."
    )
    evidence = models.TextField(blank=True, help_text="Markdown with links: what we know already.")
    notes = models.TextField("internal notes", blank=True, help_text="Markdown. The team's only.")
    learning = models.TextField(
        "what we learned", blank=True, help_text="Markdown. Shown to stakeholders once published."
    )
    next_step = models.TextField("what we do next", blank=True)
    # What the last recorded experiment suggests, until the PM decides.
    proposed_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    proposed_by = models.ForeignKey("Experiment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    concluded_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    test_items: "models.ManyToManyField[BacklogItem, HypothesisItem]" = models.ManyToManyField(
        "backlog.BacklogItem", through="HypothesisItem", related_name="hypotheses", blank=True
    )
    requests: "models.ManyToManyField[StakeholderRequest, HypothesisRequest]" = models.ManyToManyField(
        "requests.StakeholderRequest", through="HypothesisRequest", related_name="hypotheses", blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["updated_at", "proposed_by"])
    _history_user: object
    _change_reason: str

    class Meta:
        verbose_name_plural = "hypotheses"
        ordering = ["product_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="one_hypothesis_number_per_product"),
            models.CheckConstraint(
                condition=Q(confidence_before__lte=100) | Q(confidence_before__isnull=True),
                name="hypothesis_confidence_before_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(confidence_after__lte=100) | Q(confidence_after__isnull=True),
                name="hypothesis_confidence_after_is_a_percentage",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "status"]),
            models.Index(fields=["product", "published_at"]),
        ]

    def __str__(self):
        return f"{self.reference} {self.change}"

    def get_absolute_url(self):
        return reverse("hypotheses:detail", args=[self.product.slug, self.number])

    @property
    def reference(self) -> str:
        return f"H-{self.number}"

    @property
    def is_concluded(self) -> bool:
        return self.status in self.CONCLUDED

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def metric_name(self) -> str:
        return self.metric.name if self.metric_id and self.metric else self.metric_text

    @property
    def metric_unit(self) -> str:
        return self.metric.unit if self.metric_id and self.metric else self.unit

    @property
    def metric_direction(self) -> str:
        """Which way is better: the outcome metric's, or this hypothesis's own."""
        return self.metric.direction if self.metric_id and self.metric else self.direction

    @property
    def has_metric(self) -> bool:
        return bool(self.metric_id or self.metric_text)

    @property
    def statement(self) -> str:
        """The whole statement in one sentence."""
        text = f"We believe {self.change} for {self.audience} will result in {self.outcome}."
        if self.has_metric:
            measure = f" We will know when {self.metric_name} moves"
            if self.baseline is not None:
                measure += f" from {_plain(self.baseline)}"
            if self.target is not None:
                measure += f" to {_plain(self.target)}"
            if self.metric_unit:
                measure += f" {self.metric_unit}"
            if self.target_date:
                measure += f" by {self.target_date:%d %b %Y}"
            text += measure + "."
        return text


def _plain(value) -> str:
    """A number without trailing zeros: 3.5000 → 3.5."""
    return format(Decimal(str(value)).normalize(), "f") if value is not None else ""


class HypothesisItem(models.Model):
    """A backlog item that tests the hypothesis."""

    hypothesis = models.ForeignKey(Hypothesis, on_delete=models.CASCADE, related_name="item_links")
    item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, related_name="hypothesis_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hypothesis", "item"], name="one_link_per_hypothesis_and_item")]

    def __str__(self):
        return f"H{self.hypothesis_id} tested by item {self.item_id}"


class HypothesisRequest(models.Model):
    """A stakeholder request that motivated the hypothesis; its requester hears of concluded experiments."""

    hypothesis = models.ForeignKey(Hypothesis, on_delete=models.CASCADE, related_name="request_links")
    request = models.ForeignKey(
        "requests.StakeholderRequest", on_delete=models.CASCADE, related_name="hypothesis_links"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hypothesis", "request"], name="one_link_per_hypothesis_and_request")
        ]

    def __str__(self):
        return f"H{self.hypothesis_id} motivated by request {self.request_id}"


class Experiment(models.Model):
    """A test of a hypothesis. Recording its result (the observed value, and
    for an A/B test both arms, their sizes and the interval the team reports)
    concludes it and proposes the hypothesis status the observed value means."""

    class Method(models.TextChoices):
        OFFLINE_EVALUATION = "offline_evaluation", "Offline evaluation"
        BACKTEST = "backtest", "Backtest"
        AB_TEST = "ab_test", "A/B test"
        USER_INTERVIEW = "user_interview", "User interview"
        ANALYSIS = "analysis", "Analysis"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        CONCLUDED = "concluded", "Concluded"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="experiments")
    hypothesis = models.ForeignKey(Hypothesis, on_delete=models.CASCADE, related_name="experiments")
    title = models.CharField(max_length=200)
    method = models.CharField(max_length=20, choices=Method.choices)
    design_notes = models.TextField(blank=True, help_text="Markdown: set-up, data, what counts as success.")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    sprint = models.ForeignKey(
        "sprints.Sprint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experiments",
        help_text="The sprint it was worked in: its review shows the experiment once concluded.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    observed_value = _value("observed value", help_text="The metric's value the experiment observed.")
    control_value = _value("control")
    treatment_value = _value("treatment")
    control_size = models.PositiveIntegerField("control sample size", null=True, blank=True)
    treatment_size = models.PositiveIntegerField("treatment sample size", null=True, blank=True)
    interval_low = _value("interval from", help_text="The interval of the observed value the team reports.")
    interval_high = _value("interval to")
    interval_level = models.PositiveSmallIntegerField(
        "interval level (%)", null=True, blank=True, help_text="E.g. 95 for a 95 % interval."
    )
    conclusion = models.TextField(blank=True, help_text="Markdown: what the result means.")
    proposed_status = models.CharField(max_length=20, choices=Hypothesis.Status.choices, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    _history_user: object

    class Meta:
        ordering = ["hypothesis_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="experiment_ends_after_it_starts",
                violation_error_message="An experiment cannot end before it starts.",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "status"]),
            models.Index(fields=["sprint", "status"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("hypotheses:experiment", args=[self.product.slug, self.pk])

    @property
    def is_concluded(self) -> bool:
        return self.status == self.Status.CONCLUDED


class LearningEntry(models.Model):
    """One line of the learning log, written when it happened: a decision on
    a hypothesis (what we believed, what we ran, what we learned, what we do
    next), or a concluded experiment (an intermediate delivery)."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        EXPERIMENT = "experiment", "Experiment concluded"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="learning_entries")
    hypothesis = models.ForeignKey(Hypothesis, on_delete=models.CASCADE, related_name="learning_entries")
    experiment = models.ForeignKey(
        Experiment, on_delete=models.SET_NULL, null=True, blank=True, related_name="learning_entries"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    happened_at = models.DateTimeField()
    # The hypothesis status decided, or the one the experiment proposed.
    status = models.CharField(max_length=20, choices=Hypothesis.Status.choices)
    believed = models.TextField()
    ran = models.TextField(blank=True)
    learned = models.TextField(blank=True)
    next_step = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name_plural = "learning entries"
        ordering = ["product_id", "-happened_at", "-id"]
        indexes = [models.Index(fields=["product", "-happened_at", "-id"])]

    def __str__(self):
        return f"{self.get_kind_display()} on hypothesis {self.hypothesis_id}"


class Assumption(models.Model):
    """Something the team takes for granted, when planning a sprint or stating
    a hypothesis; checked later. A wrong one spawns follow-up backlog items, so
    its cost shows."""

    class Category(models.TextChoices):
        DATA_AVAILABILITY = "data_availability", "Data availability"
        DATA_QUALITY = "data_quality", "Data quality"
        EFFORT = "effort", "Effort"
        MODEL_PERFORMANCE = "model_performance", "Model performance"
        ACCESS_APPROVAL = "access_approval", "Access / approval"

    class Status(models.TextChoices):
        OPEN = "open", "Not checked yet"
        HELD = "held", "Held"
        WRONG = "wrong", "Wrong"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="assumptions")
    # Exactly one of the two.
    sprint = models.ForeignKey(
        "sprints.Sprint", on_delete=models.CASCADE, null=True, blank=True, related_name="assumptions"
    )
    hypothesis = models.ForeignKey(
        Hypothesis, on_delete=models.CASCADE, null=True, blank=True, related_name="assumptions"
    )
    text = models.CharField(max_length=500)
    category = models.CharField(max_length=30, choices=Category.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What turned out: the evidence it held, or what was really the case.
    outcome_note = models.TextField(blank=True)
    follow_up_items = models.ManyToManyField("backlog.BacklogItem", related_name="spawned_by_assumptions", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "created_at", "id"]
        indexes = [models.Index(fields=["sprint", "status"]), models.Index(fields=["hypothesis", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(sprint__isnull=False, hypothesis__isnull=True)
                | Q(sprint__isnull=True, hypothesis__isnull=False),
                name="assumption_on_a_sprint_or_a_hypothesis",
                violation_error_message="An assumption belongs to a sprint or to a hypothesis.",
            ),
        ]

    def __str__(self):
        return self.text


class FeasibilityAssessment(models.Model):
    """Can this epic or hypothesis be done, and is it worth it? Data
    availability and quality, approvals needed (with the data-access blockers
    that wait for them), expected value, an effort range, and the go / no-go
    decision with its reason and date."""

    class Availability(models.TextChoices):
        UNKNOWN = "unknown", "Not known yet"
        AVAILABLE = "available", "Available"
        PARTIAL = "partial", "Partly available"
        MISSING = "missing", "Not available"

    class Quality(models.TextChoices):
        UNKNOWN = "unknown", "Not known yet"
        GOOD = "good", "Good"
        FAIR = "fair", "Usable with work"
        POOR = "poor", "Poor"

    class Decision(models.TextChoices):
        PENDING = "pending", "Not decided"
        GO = "go", "Go"
        NO_GO = "no_go", "No go"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="feasibility_assessments")
    # Exactly one of the two, each assessed once.
    epic = models.OneToOneField(
        "backlog.BacklogItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feasibility",
        limit_choices_to={"kind": "epic"},
    )
    hypothesis = models.OneToOneField(
        Hypothesis, on_delete=models.CASCADE, null=True, blank=True, related_name="feasibility"
    )
    data_availability = models.CharField(max_length=10, choices=Availability.choices, default=Availability.UNKNOWN)
    data_quality = models.CharField(max_length=10, choices=Quality.choices, default=Quality.UNKNOWN)
    data_notes = models.TextField(blank=True, help_text="Markdown: which data, where, how much.")
    approvals_needed = models.TextField(blank=True, help_text="Approvals or access to ask for.")
    blockers = models.ManyToManyField(
        "backlog.Blocker", blank=True, related_name="feasibility_assessments", help_text="Data-access blockers."
    )
    expected_value = models.TextField(blank=True, help_text="What it is worth if it works.")
    effort_low = models.DecimalField(
        "effort from (person-weeks)", max_digits=6, decimal_places=1, null=True, blank=True
    )
    effort_high = models.DecimalField("effort to (person-weeks)", max_digits=6, decimal_places=1, null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(epic__isnull=False, hypothesis__isnull=True)
                | Q(epic__isnull=True, hypothesis__isnull=False),
                name="feasibility_of_an_epic_or_a_hypothesis",
                violation_error_message="An assessment is of an epic or of a hypothesis.",
            ),
            models.CheckConstraint(
                condition=Q(effort_low__isnull=True)
                | Q(effort_high__isnull=True)
                | Q(effort_high__gte=models.F("effort_low")),
                name="feasibility_effort_range_in_order",
                violation_error_message="The effort range must not end below where it starts.",
            ),
        ]

    def __str__(self):
        return f"Feasibility of {self.subject_label}"

    def get_absolute_url(self):
        return reverse("hypotheses:feasibility", args=[self.product.slug, self.pk])

    @property
    def subject_label(self) -> str:
        if self.epic_id and self.epic:
            return f"epic #{self.epic.number} {self.epic.title}"
        if self.hypothesis_id and self.hypothesis:
            return f"{self.hypothesis.reference} {self.hypothesis.change}"
        return "–"


class ReleaseGate(models.Model):
    """One check of a product's release gate checklist, which every model
    version passes before it ships (the PM keeps the list). A removed gate is
    archived, so the results recorded against it stay readable."""

    DEFAULTS = [
        ("Backtest on historical data", "Performance on a held-out historical period."),
        ("Public benchmark", "Results on the public benchmark the field compares on."),
        ("Labelled gold set", "Accuracy on the team's labelled gold set."),
        ("Shadow run on live traffic", "Run beside production without serving; compare the outputs."),
        ("Governance sign-off", "Model risk / governance review passed."),
    ]

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="release_gates")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    required = models.BooleanField(default=True, help_text="Must pass before sign-off; optional ones are advice.")
    position = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "position", "id"]
        indexes = [models.Index(fields=["product", "archived_at"])]

    def __str__(self):
        return self.name


class ModelVersion(models.Model):
    """A version of a model, attached to the backlog item that delivers it.
    While it is a candidate, the item cannot be marked done: its required
    release gates must pass and a PM must sign it off (or it is withdrawn)."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        SIGNED_OFF = "signed_off", "Signed off"
        WITHDRAWN = "withdrawn", "Withdrawn"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="model_versions")
    item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, related_name="model_versions")
    name = models.CharField(max_length=80, help_text="E.g. churn-gbm 2.3.0.")
    notes = models.TextField(blank=True, help_text="Markdown: what changed, where the artefact is.")
    artifact_url = models.URLField("artefact link", blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CANDIDATE)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "-registered_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="one_model_version_name_per_product")]
        indexes = [models.Index(fields=["item", "status"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("hypotheses:model-version", args=[self.product.slug, self.pk])


class GateResult(models.Model):
    """What one release gate showed for one model version: pass or fail, the
    evidence (a link or a note), who recorded it and when."""

    class Result(models.TextChoices):
        PASS = "pass", "Passed"
        FAIL = "fail", "Failed"

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="gate_results")
    gate = models.ForeignKey(ReleaseGate, on_delete=models.CASCADE, related_name="results")
    result = models.CharField(max_length=4, choices=Result.choices)
    evidence = models.TextField(blank=True, help_text="A link or a note.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    _history_user: object

    class Meta:
        ordering = ["model_version_id", "gate__position", "gate_id"]
        constraints = [
            models.UniqueConstraint(fields=["model_version", "gate"], name="one_result_per_model_version_and_gate")
        ]

    def __str__(self):
        return f"{self.gate_id}: {self.result}"
