"""Happiness surveys, their rounds, anonymous answers and report snapshots.

Anonymity is structural: an answer is sealed when it is given
(apps.core.ballots: encrypted, no author, no time, a random key) and written
to SurveyAnswer only when its round closes, all of the round's answers at once
in a random order, so neither row order, keys nor transactions follow the
order in which people answered. A SurveyAnswer has no reference to a person
and no time; the Invitation records only *whether* someone answered. What
services.py writes at close, and what it withholds, is in its `_release`.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_celery_beat.models import PeriodicTask


class Audience(models.TextChoices):
    TEAM = "team", "Team members"
    STAKEHOLDERS = "stakeholders", "Stakeholders and platform users"
    EVERYONE = "everyone", "Team members and stakeholders"


class Group(models.TextChoices):
    """The audience slice a respondent belongs to, reported separately."""

    TEAM = "team", "Team members"
    STAKEHOLDERS = "stakeholders", "Stakeholders"


class Survey(models.Model):
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=120)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    # Names of the product's capabilities people rate ("Feature store", "Docs"...).
    capabilities = models.JSONField(default=list, blank=True)
    open_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(60)], help_text="How long a round stays open."
    )
    reminder_days_before_close = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    min_responses = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(100)],
        help_text="A slice with fewer answers than this shows no figures at all.",
    )
    # The cadence lives in django-celery-beat so it can be edited in the admin;
    # the survey only points at its periodic task.
    schedule = models.OneToOneField(
        PeriodicTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="happiness_survey"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "title"]

    def __str__(self):
        return self.title


class SurveyRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    invited_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["survey_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="one_round_number_per_survey"),
            models.UniqueConstraint(
                fields=["survey"], condition=models.Q(status="open"), name="one_open_round_per_survey"
            ),
        ]

    def __str__(self):
        return f"{self.survey} · round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Invitation(models.Model):
    """That a person was asked to answer a round, and whether they did.

    `answered` is deliberately a bare flag: no time, no link to the answer.
    """

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations")
    group = models.CharField(max_length=20, choices=Group.choices)
    sent = models.BooleanField(default=False)
    reminded = models.BooleanField(default=False)
    answered = models.BooleanField(default=False)

    class Meta:
        ordering = ["round_id", "person_id"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="one_invitation_per_person_and_round")]

    def __str__(self):
        return f"{self.person} · {self.round}"


class InvitationLink(models.Model):
    """One personal link sent to an invitee (the invitation and each reminder
    get their own). Only the SHA-256 of the random token is stored: the link
    in the email is the only copy of the token, and a database reader cannot
    rebuild it."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return f"link of {self.invitation}"


class SurveyAnswer(models.Model):
    """One anonymous answer to a closed round. No person, no time, a random key.

    `group` is blank when some audience group of the round had fewer answers
    than the survey's minimum: then no answer says which group it came from."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="answers")
    group = models.CharField(max_length=20, choices=Group.choices, blank=True)
    happiness = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    recommend = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    # {capability name: satisfaction 1-5} for the capabilities the person uses.
    capabilities = models.JSONField(default=dict, blank=True)
    liked = models.TextField(blank=True)
    improve = models.TextField(blank=True)

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(happiness__gte=1, happiness__lte=5), name="happiness_between_1_and_5"
            ),
            models.CheckConstraint(condition=models.Q(recommend__lte=10), name="recommend_between_0_and_10"),
        ]

    def __str__(self):
        return f"Answer to {self.round}"


class HappinessReport(models.Model):
    """The stored snapshot of one round's figures; rebuilding replaces it.

    `figures` holds only what may be shown: slices below the survey's minimum
    number of responses are stored without figures, so no page, download, API
    or email can show them.
    """

    round = models.OneToOneField(SurveyRound, on_delete=models.CASCADE, related_name="report")
    figures = models.JSONField(default=dict)
    built_at = models.DateTimeField()
    # Bumped when a rebuild changes the figures; each version is emailed once.
    version = models.PositiveIntegerField(default=1)
    emailed_version = models.PositiveIntegerField(default=0)
    # "What we will do about it", written by the PM.
    action_note = models.TextField(blank=True, help_text="Markdown.")
    action_items = models.ManyToManyField("backlog.BacklogItem", blank=True, related_name="happiness_reports")
    actions_version = models.PositiveIntegerField(default=1)
    # Published by the PM: stakeholders then see the aggregates of the latest
    # published report on the product overview, and only the quotes picked here.
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_quotes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-built_at"]

    def __str__(self):
        return f"Happiness report · {self.round}"


class ReportSubscription(models.Model):
    """A person who gets the product's happiness reports by email."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="report_subscriptions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "person"], name="one_report_subscription_per_person")]

    def __str__(self):
        return f"{self.person} · {self.product}"
