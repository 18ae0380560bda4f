"""One notification system for every app: an outbox row per event and
recipient, and each person's choices per kind of event.

A row is written in the transaction of the change that caused it (so a
rolled-back change tells nobody) and delivered after commit by a task; the
unique (recipient, key) pair makes a doubled notify(), a retried task or the
sweep racing the task a no-op. Delivery (apps.notifications.delivery) decides,
with the preferences as they are *then*, whether the row shows in the bell and
whether an email goes now, in the daily digest, or not at all."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from apps.notifications.kinds import KIND_CHOICES, Email


class Notification(models.Model):
    class EmailState(models.TextChoices):
        PENDING = "", "Not decided yet"
        SENT = "sent", "Emailed"
        DIGEST = "digest", "Waiting for the daily digest"
        NONE = "none", "No email"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    # What happened, unique per recipient ("conversation.mention:12"): the same event told twice is one row.
    key = models.CharField(max_length=150)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The object the recipient is told about (an item, a request event, a survey round...).
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # One line the recipient may read, and where it leads (a path on this site).
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(db_index=True)

    # Set when delivered: the preference at that moment decides both.
    sent_at = models.DateTimeField(null=True, blank=True)
    in_app = models.BooleanField(default=True)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.PENDING, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_recipient_and_event")
        ]
        indexes = [
            # The page and the API: a person's notifications, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notifications_of_recipient"),
            # The bell: one count over a person's unread rows.
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True, in_app=True), name="unread_of_recipient"
            ),
            # The sweep and the digest.
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="unsent_notifications"),
            models.Index(fields=["recipient"], condition=models.Q(email_state="digest"), name="waiting_for_digest"),
            models.Index(fields=["key"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for user {self.recipient_id}: {self.text}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A person's choice for one kind of event; without a row the kind's
    default applies (apps.notifications.kinds.KINDS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    in_app = models.BooleanField("in the portal", default=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.NOW)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_person_and_kind")]
        ordering = ["user_id", "kind"]

    def __str__(self):
        return (
            f"{self.get_kind_display()} for user {self.user_id}: in-app {'on' if self.in_app else 'off'}, {self.email}"
        )

    @property
    def wants_anything(self) -> bool:
        return self.in_app or self.email != Email.OFF
