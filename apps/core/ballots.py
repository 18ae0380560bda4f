"""Anonymous answers that stay anonymous against staff, database readers and
log readers (happiness surveys, retrospective health checks).

An answer is first *sealed*: encrypted with a key derived from the server's
SECRET_KEY (which the database does not hold), stored with no author, no time
and a random key, in a box named by the caller ("survey-round:12"). Nothing is
shown from sealed ballots. When the caller decides (at close, or once enough
answers are in), `release` opens the whole box in one transaction and hands
back the answers in a random order; the caller writes them to its own table in
that order, so neither row order, keys nor transaction ids follow the order in
which people answered. The caller's own "who has answered" marks (needed to
stop double answers and to remind) are therefore never linkable to an answer.

AES-GCM, not Fernet: a Fernet token carries its creation time in clear.
"""

import json
import os
import random
from hashlib import blake2b

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction

from apps.core.models import SealedBallot

_NONCE_BYTES = 12
_shuffle = random.SystemRandom().shuffle


def _key() -> bytes:
    return blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=b"portal-ballots").digest()


def seal(*, box: str, answer: dict) -> None:
    """Keep one anonymous answer sealed in `box` until the box is released."""
    nonce = os.urandom(_NONCE_BYTES)
    secret = AESGCM(_key()).encrypt(nonce, json.dumps(answer).encode(), box.encode())
    SealedBallot.objects.create(box=box, sealed=nonce + secret)


def sealed_count(box: str) -> int:
    """How many answers wait in `box`; for deciding when to release, never for display."""
    return SealedBallot.objects.filter(box=box).count()


@transaction.atomic
def release(box: str) -> list[dict]:
    """Open `box`: every sealed answer, decrypted, in a random order; the box is
    emptied in the same transaction, so a retried release finds nothing."""
    ballots = list(SealedBallot.objects.select_for_update().filter(box=box))
    cipher = AESGCM(_key())
    answers = [
        json.loads(cipher.decrypt(bytes(b.sealed[:_NONCE_BYTES]), bytes(b.sealed[_NONCE_BYTES:]), box.encode()))
        for b in ballots
    ]
    SealedBallot.objects.filter(pk__in=[b.pk for b in ballots]).delete()
    _shuffle(answers)
    return answers


def discard(box: str) -> int:
    """Destroy `box` unopened (its survey or retrospective is being deleted)."""
    deleted, _ = SealedBallot.objects.filter(box=box).delete()
    return deleted
