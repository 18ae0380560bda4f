"""Who wrote an anonymous card, known only to the writer's browser.

Each browser holds a random secret in a signed cookie of its own (not the
session: sessions live in the database). An anonymous card stores only
HMAC(server key, secret, card id): the server recognises the writer when the
browser sends its secret, while a database reader, who has neither the
server key nor any browser's secret, cannot recompute or compare it. A
secret is per browser and account, and kept only in the browser, so the
database cannot join it to anyone. API clients without cookies send their own secret in a header.

While cards are written, an anonymous card's text is sealed too (AES-GCM
with a key derived from the server's key, padded to one size): a database
reader who could tell from row order or transaction ids which rows one
person wrote finds only ciphertext of the same length. The tag and the seal
live only while cards are written: at reveal every card is written again,
in clear, under a new id, in a random order (services.cards_reveal), so
nothing of the writing leads to a revealed card.
"""

import hmac
import os
import secrets
from collections.abc import Callable
from functools import wraps
from hashlib import blake2b, sha256

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

COOKIE = "retro_writer"
HEADER = "X-Retro-Secret"
_SALT = "retros.writer"
_MAX_AGE = 60 * 60 * 24 * 90
_MIN_LENGTH, _MAX_LENGTH = 32, 128
# A card's 500 characters take at most 2,000 bytes in UTF-8; every draft is padded to this size.
_DRAFT_BYTES = 2048
_NONCE_BYTES = 12


def _key() -> bytes:
    return blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=b"retro-writers").digest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def secret_of(request) -> str | None:
    """The secret this browser (cookie) or API client (header) presents, if
    any. A browser's cookie names the account it was issued to, so on a shared
    computer the next person to sign in gets a secret of their own."""
    secret = None
    issued = request.get_signed_cookie(COOKIE, default=None, salt=_SALT)
    if issued is not None:
        user_id, _, value = issued.partition(":")
        if user_id == str(request.user.pk):
            secret = value
    if secret is None:
        secret = request.headers.get(HEADER)
    if not secret or not (_MIN_LENGTH <= len(secret) <= _MAX_LENGTH):
        return None
    return secret


def tag(secret: str, card_id: int) -> str:
    return hmac.new(_key(), f"{card_id}:{secret}".encode(), sha256).hexdigest()


def matches(writer_tag: str, secret: str, card_id: int) -> bool:
    return hmac.compare_digest(writer_tag, tag(secret, card_id))


def wrote(secret: str | None, card) -> bool:
    """Whether the holder of `secret` wrote this anonymous card."""
    if not secret or not card.writer_tag:
        return False
    return matches(card.writer_tag, secret, card.pk)


def _draft_key() -> bytes:
    return blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=b"retro-drafts").digest()


def seal_draft(text: str, *, retro_id: int) -> bytes:
    data = text.encode()
    if len(data) > _DRAFT_BYTES:
        raise ValueError("A card's text is longer than a draft holds.")
    padded = len(data).to_bytes(2, "big") + data + bytes(_DRAFT_BYTES - len(data))
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(_draft_key()).encrypt(nonce, padded, f"retro:{retro_id}".encode())


def open_draft(sealed: bytes, *, retro_id: int) -> str:
    sealed = bytes(sealed)
    padded = AESGCM(_draft_key()).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], f"retro:{retro_id}".encode())
    size = int.from_bytes(padded[:2], "big")
    return padded[2 : 2 + size].decode()


def remember(request, response, secret: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        f"{request.user.pk}:{secret}",
        salt=_SALT,
        max_age=_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def with_writer_secret(view: Callable) -> Callable:
    """Give the view `request.retro_secret` (a new one if the browser had
    none) and keep a new one in the browser's cookie."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        existing = secret_of(request)
        request.retro_secret = existing or new_secret()
        response = view(request, *args, **kwargs)
        if existing is None and getattr(request, "retro_secret_used", False):
            remember(request, response, request.retro_secret)
            # API clients without cookies keep it themselves.
            response[HEADER] = request.retro_secret
        return response

    return wrapper
