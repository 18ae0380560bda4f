"""Double submission: the same form sent twice (a double click, a retry after
a slow answer, two tabs, the back button) or the same API call retried does
the work once.

A form carries a random key in a hidden field (`{% idempotency_field %}` from
the `portal` template tags); an API client sends an `Idempotency-Key` header.
`IdempotencyMiddleware` claims the key for the person (a row in the
database, so every process sees it) before the view runs, and keeps the
view's answer when it succeeds (2xx or 3xx). The same person sending the same
key again within IDEMPOTENCY_WINDOW_MINUTES gets that first answer back,
marked `Idempotent-Replayed: true`, and nothing runs twice; if the first is
still running, the second waits for it (a few seconds) or is told so (409).
A failed answer (4xx/5xx) is not kept, so a corrected form can be sent again
with the same key. Requests without a key, GETs, and people who are not
signed in are not affected.

To protect a form: add `{% idempotency_field %}` inside it (after
`{% csrf_token %}`). htmx forms that stay on the page get a fresh key after
each successful request from static/js/portal.js. Answers that must not be
kept (one that shows a secret) call `never_replayed(response)`: a repeat then
gets a 409 instead of a copy. Views whose requests must leave no record of
who sent them at all (anonymous answers) are marked `@idempotency_exempt`.
"""

import hashlib
import logging
import re
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from apps.core.middleware import error_response
from apps.core.models import IdempotencyRecord

log = logging.getLogger(__name__)

FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")
# How long a second request waits for the first one with its key to finish.
WAIT_FOR_FIRST_SECONDS = 8.0
# A claim this old without an answer belongs to a process that died: take it over.
ABANDONED_AFTER = timedelta(minutes=2)
# Larger answers are not kept; a repeat then gets a 409 instead of a copy.
MAX_KEPT_BYTES = 512 * 1024
_NOT_KEPT_HEADERS = {"content-length", "set-cookie"}


def idempotency_exempt(view):
    """For a view whose requests must leave no row naming the person who sent
    them (an anonymous retro card, a health-check answer): no key is claimed,
    no answer kept. Works on a function view or a DRF view class."""
    view.idempotency_exempt = True
    return view


def _exempt(view_func) -> bool:
    return bool(
        getattr(view_func, "idempotency_exempt", False)
        or getattr(getattr(view_func, "cls", None), "idempotency_exempt", False)
    )


def never_replayed(response: HttpResponse) -> HttpResponse:
    """Keep only *that* this answer was given, not the answer itself."""
    response._idempotency_never_replayed = True  # type: ignore[attr-defined]
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        record = getattr(request, "_idempotency_record", None)
        if record is not None:
            _finish(record, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in UNSAFE_METHODS or _exempt(view_func):
            return None
        key = request.headers.get(HEADER)
        if key is None and not request.path.startswith("/api/"):
            key = request.POST.get(FIELD)
        if not key:
            return None
        principal = _principal(request)
        if principal is None:
            return None
        if not _KEY.match(key):
            return _answer(request, 400, f"{HEADER} must be 8 to 100 letters, digits or -_.:")
        record, answer = _claim(request, principal, key)
        request._idempotency_record = record
        return answer


def _principal(request) -> str | None:
    """Whose keys these are: the signed-in person, or for an API call with a
    token (the API signs in later, inside the view) that token."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    authorization = request.headers.get("Authorization")
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode()).hexdigest()[:40]
    return None


def _claim(request, principal: str, key: str) -> tuple[IdempotencyRecord | None, HttpResponse | None]:
    """(record, None) when this request is the first with the key and should
    run; (None, answer) when it must not run."""
    fingerprint = f"{request.method} {request.path}"[:300]
    now = timezone.now()
    window = timedelta(minutes=settings.IDEMPOTENCY_WINDOW_MINUTES)
    IdempotencyRecord.objects.filter(principal=principal, created_at__lt=now - window).delete()
    deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
    while True:
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    principal=principal, key=key, fingerprint=fingerprint, created_at=timezone.now()
                ), None
        except IntegrityError:
            pass
        first = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
        if first is None:
            continue  # the first one failed and let go of the key meanwhile: claim it
        if first.fingerprint != fingerprint:
            return None, _answer(request, 422, f"This {HEADER} was already used for another request.")
        if first.status is not None:
            return None, _replay(request, first)
        if first.created_at < timezone.now() - ABANDONED_AFTER:
            taken = IdempotencyRecord.objects.filter(pk=first.pk, status=None, created_at=first.created_at).update(
                created_at=timezone.now()
            )
            if taken:
                first.refresh_from_db()
                return first, None
        if time.monotonic() > deadline:
            return None, _answer(request, 409, "This was sent twice and the first one is still being handled.")
        time.sleep(0.1)


def _finish(record: IdempotencyRecord, response: HttpResponse) -> None:
    succeeded = 200 <= response.status_code < 400
    if not succeeded or getattr(response, "streaming", False):
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    body = bytes(response.content)
    replayable = not getattr(response, "_idempotency_never_replayed", False) and len(body) <= MAX_KEPT_BYTES
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=response.status_code,
        headers=[[name, value] for name, value in response.items() if name.lower() not in _NOT_KEPT_HEADERS]
        if replayable
        else [],
        body=body if replayable else None,
        replayable=replayable,
    )


def _replay(request, record: IdempotencyRecord) -> HttpResponse:
    if not record.replayable:
        return _answer(request, 409, "This was already done; its answer is not kept. Reload the page.")
    response = HttpResponse(bytes(record.body or b""), status=record.status)
    for name, value in record.headers:
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    log.info("Idempotent replay of %s (%s)", record.fingerprint, record.status)
    return response


def _answer(request, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return error_response(request, message, status=status)
