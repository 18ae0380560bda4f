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
