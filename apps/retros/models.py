"""Sprint retrospectives: a board of cards in columns, grouped into themes,
voted on and discussed, ending in action items that the next retrospective
reviews; and the team health check answered beside it.

Anonymity is structural, as for the happiness surveys:
- an anonymous Card has no author column value, no time, no history table,
  and while it is being written only an HMAC tag that the server can match
  against a secret held in the writer's browser (apps/retros/secrets.py);
  when the cards are revealed every card is written again under a new id in
  a random order, so ids, row order and transaction ids say nothing about
  who wrote what or when;
- health-check answers are sealed ballots (apps.core.ballots) until the check
  closes; a HealthCheckMark records only *that* someone answered.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from apps.retros import writers

CARD_TEXT_MAX = 500
THEME_TITLE_MAX = 200
DECISION_MAX = 2000
ACTION_TEXT_MAX = 300
COLUMN_TITLE_MAX = 60
COLUMN_PROMPT_MAX = 200
COMMENT_MAX = 500
MAX_VOTES_PER_PERSON = 20


class RetroSettings(models.Model):
    """How a product runs its retrospectives; absent means the defaults."""

    product = models.OneToOneField("products.Product", on_delete=models.CASCADE, related_name="retro_settings")
    votes_per_person = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(MAX_VOTES_PER_PERSON)]
    )
    several_votes_per_theme = models.BooleanField(default=True)
    health_min_answers = models.PositiveSmallIntegerField(
        "minimum answers before health results show",
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(100)],
        help_text="A health check with fewer answers than this shows no results at all (as for happiness surveys).",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "retro settings"

    def __str__(self):
        return f"Retro settings of {self.product}"


class RetroFormat(models.Model):
    """A product's own board columns, saved by a scrum master for its next retros."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="retro_formats")
    name = models.CharField(max_length=60)
    # [{"title": "...", "prompt": "..."}, ...]
    columns = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "name"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="one_retro_format_name_per_product")]

    def __str__(self):
        return self.name


class Phase(models.TextChoices):
    """In this order, never backwards; `review` is skipped when there is nothing to review."""

    REVIEW = "review", "Review"
    WRITE = "write", "Write"
    REVEAL = "reveal", "Reveal"
    GROUP = "group", "Group"
    VOTE = "vote", "Vote"
    DISCUSS = "discuss", "Discuss"
    CLOSED = "closed", "Closed"


PHASE_ORDER = list(Phase)


class Retrospective(models.Model):
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="retrospectives")
    sprint = models.ForeignKey("sprints.Sprint", on_delete=models.CASCADE, related_name="retrospectives")
    # A staged sprint may hold one retro per stage besides the sprint's own.
    stage = models.ForeignKey(
        "sprints.SprintStage", on_delete=models.CASCADE, null=True, blank=True, related_name="retrospectives"
    )
    title = models.CharField(max_length=120)
    format_name = models.CharField(max_length=60)
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.WRITE)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    votes_per_person = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(MAX_VOTES_PER_PERSON)]
    )
    several_votes_per_theme = models.BooleanField(default=True)
    # The theme being discussed and when its time is up.
    discussing = models.ForeignKey("retros.Theme", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    # The retrospective whose open actions this one reviews first.
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="following")
    # Moves on every change anyone can see on the board: clients poll with it.
    board_version = models.PositiveBigIntegerField(default=1)
    # Moves on edits of the retro's own settings (title, votes, facilitator).
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["product_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sprint"], condition=models.Q(stage__isnull=True), name="one_retro_per_sprint"
            ),
            models.UniqueConstraint(
                fields=["sprint", "stage"], condition=models.Q(stage__isnull=False), name="one_retro_per_stage"
            ),
            models.CheckConstraint(
                condition=models.Q(votes_per_person__gte=1, votes_per_person__lte=MAX_VOTES_PER_PERSON),
                name="retro_votes_per_person_in_range",
            ),
        ]
        indexes = [models.Index(fields=["product", "phase"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("retros:board", args=[self.product.slug, self.pk])

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED

    @property
    def phase_index(self) -> int:
        return PHASE_ORDER.index(Phase(self.phase))

    def is_at_least(self, phase: str) -> bool:
        return self.phase_index >= PHASE_ORDER.index(Phase(phase))


class Column(models.Model):
    retro = models.ForeignKey(Retrospective, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=COLUMN_TITLE_MAX)
    prompt = models.CharField(max_length=COLUMN_PROMPT_MAX, blank=True)

    class Meta:
        ordering = ["retro_id", "position"]
        constraints = [models.UniqueConstraint(fields=["retro", "position"], name="one_column_per_position")]

    def __str__(self):
        return self.title


class Theme(models.Model):
    """Cards grouped under one name; from the vote on, every card is in a theme
    (a card left alone becomes a theme of its own, `solo`)."""

    retro = models.ForeignKey(Retrospective, on_delete=models.CASCADE, related_name="themes")
    title = models.CharField(max_length=THEME_TITLE_MAX)
    position = models.PositiveIntegerField(default=0)
    solo = models.BooleanField(default=False)
    # What the team decided while discussing it.
    decision = models.TextField(blank=True, max_length=DECISION_MAX)
    discussed = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["retro_id", "position", "id"]

    def __str__(self):
        return self.title


class Card(models.Model):
    """One thought on the board. An anonymous card has no author at all; while
    it is written, `writer_tag` (an HMAC of the writer's browser secret and the
    card id) lets its writer edit or delete it and its text is sealed; both
    are dropped at reveal (apps/retros/writers.py)."""

    retro = models.ForeignKey(Retrospective, on_delete=models.CASCADE, related_name="cards")
    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="cards")
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="cards")
    text = models.TextField(max_length=CARD_TEXT_MAX)
    anonymous = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    writer_tag = models.CharField(max_length=64, blank=True, editable=False)
    # An anonymous card's text while it is written (writers.seal_draft); `text` is empty meanwhile.
    sealed = models.BinaryField(null=True, blank=True, editable=False)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["retro_id", "column_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymous=False) | models.Q(author__isnull=True),
                name="anonymous_card_has_no_author",
            ),
        ]

    def __str__(self):
        return "(sealed draft)" if self.sealed is not None else self.text[:60]

    @property
    def content(self) -> str:
        """The card's text; for an anonymous draft, opened (only pages of its writer ask)."""
        if self.sealed is None:
            return self.text
        return writers.open_draft(self.sealed, retro_id=self.retro_id)


class Vote(models.Model):
    """One dot on a theme. Who voted is seen only by the voter (their own
    remaining votes); pages show counts. Votes are added under the lock of the
    retrospective's row (see services), so a limit holds however many arrive at once."""

    retro = models.ForeignKey(Retrospective, on_delete=models.CASCADE, related_name="votes")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["retro_id", "id"]
        indexes = [models.Index(fields=["retro", "voter"])]

    def __str__(self):
        return f"vote on {self.theme}"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CARRIED = "carried", "Still open (carried)"
        DROPPED = "dropped", "Dropped"

    retro = models.ForeignKey(Retrospective, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=ACTION_TEXT_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="retro_actions"
    )
    due_date = models.DateField(null=True, blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    card = models.ForeignKey(Card, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    backlog_item = models.ForeignKey(
        "backlog.BacklogItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="retro_actions"
    )
    # An action still open at the next retro lives on there as a copy.
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    reviewed_in = models.ForeignKey(
        Retrospective, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviewed_actions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["retro_id", "id"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.text

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class HealthDimension(models.Model):
    """One question of a product's team health check, e.g. "Easy to release"."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="health_dimensions")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=80)
    green = models.CharField("what green looks like", max_length=200, blank=True)
    red = models.CharField("what red looks like", max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["product_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="one_health_dimension_name_per_product")
        ]

    def __str__(self):
        return self.name


class Rating(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class HealthCheck(models.Model):
    """The team health check taken with one retrospective."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    retro = models.OneToOneField(Retrospective, on_delete=models.CASCADE, related_name="health_check")
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="health_checks")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # The dimensions asked, as they were when the check opened: [{"id": 3, "name": "Fun"}, ...]
    dimensions = models.JSONField(default=list)
    min_answers = models.PositiveSmallIntegerField(default=5)
    # How many answers were released when the check closed.
    responses = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["product_id", "-id"]

    def __str__(self):
        return f"Health check · {self.retro}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def box(self) -> str:
        return f"health-check:{self.pk}"

    @property
    def enough_answers(self) -> bool:
        return not self.is_open and self.responses >= self.min_answers


class HealthCheckMark(models.Model):
    """That a person answered a health check: no time, no link to the answer."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="marks")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["health_check", "person"], name="one_health_answer_per_person")]

    def __str__(self):
        return f"{self.person} answered {self.health_check}"


class HealthAnswer(models.Model):
    """One rating of one dimension, released from the sealed box when the check
    closed: no person, no time, a random key, written in a random order per
    dimension (so one person's ratings cannot be joined either)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="answers")
    dimension = models.ForeignKey(
        HealthDimension, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers"
    )
    dimension_name = models.CharField(max_length=80)
    rating = models.CharField(max_length=10, choices=Rating.choices)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX)

    class Meta:
        ordering = ["health_check_id", "dimension_name", "id"]

    def __str__(self):
        return f"{self.dimension_name}: {self.rating}"


class SummaryEmail(models.Model):
    """Outbox: one row per retrospective and recipient, sent once."""

    retro = models.ForeignKey(Retrospective, on_delete=models.CASCADE, related_name="summary_emails")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["retro", "recipient"], name="one_summary_email_per_recipient")]

    def __str__(self):
        return f"Summary of {self.retro} to {self.recipient}"
