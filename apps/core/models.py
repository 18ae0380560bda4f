import uuid

from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """When a periodic task last ran: proof that beat and worker are alive."""

    name = models.CharField(max_length=60, unique=True)
    last_seen_at = models.DateTimeField()
    beats = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(cls, name: str) -> "Heartbeat":
        heartbeat, _ = cls.objects.get_or_create(name=name, defaults={"last_seen_at": timezone.now()})
        cls.objects.filter(pk=heartbeat.pk).update(last_seen_at=timezone.now(), beats=models.F("beats") + 1)
        heartbeat.refresh_from_db()
        return heartbeat


class SealedBallot(models.Model):
    """One anonymous answer waiting for its box to be released (apps.core.ballots):
    encrypted, no author, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    box = models.CharField(max_length=80, db_index=True)
    sealed = models.BinaryField()

    def __str__(self):
        return f"sealed answer in {self.box}"


class IdempotencyRecord(models.Model):
    """The first answer to a form post or API call sent with an idempotency
    key (apps.core.idempotency), so that the same key sent again by the same
    person returns it instead of doing the work twice. Kept for
    IDEMPOTENCY_WINDOW_MINUTES; `status` is empty while the first is running."""

    principal = models.CharField(max_length=64)
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=300)
    created_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=list, blank=True)
    body = models.BinaryField(null=True, blank=True)
    replayable = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="one_answer_per_idempotency_key")]

    def __str__(self):
        return f"{self.fingerprint} ({self.status or 'running'})"
