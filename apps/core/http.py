"""What every HTML view shares: one way to answer "whole page or htmx
fragment", and safe reading of ids and versions sent by the browser."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

# Larger numbers are no row's id on any database we run on; refusing them here
# turns "?item=99999999999999999999" into a 404 instead of an overflow.
_MAX_ID_DIGITS = 18


def as_id(value) -> int | None:
    """An id from a URL, a form or a query string; None when it cannot be one.
    Only ASCII digits count ("²".isdigit() is true, int("²") fails)."""
    text = str(value).strip() if value is not None else ""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > _MAX_ID_DIGITS:
        return None
    return int(text)


def posted_version(request) -> int | None:
    """The `version` a form was rendered with, as sent back with the edit."""
    return as_id(request.POST.get("version"))


def posted(request):
    """The submitted data of a POST, even an empty one (which `request.POST or None` would miss)."""
    return request.POST if request.method == "POST" else None


def page(request, template: str, context: dict, *, fragment: str | None = None, status: int = 200) -> TemplateResponse:
    """The whole page, or for an htmx request the named fragment of the same
    template (django-template-partials), so a page and its live parts cannot drift."""
    name = f"{template}#{fragment}" if fragment and request.htmx and not request.htmx.boosted else template
    return TemplateResponse(request, name, context, status=status)


@contextmanager
def flash_errors(request) -> Iterator[None]:
    """For a button that posts without a form to show errors on: what the
    service refuses becomes an error message on the page the view goes to next.
    A stale edit is not caught here: it is a 409 (apps.core.middleware).

        with flash_errors(request):
            services.blocker_resolve(actor=request.user, blocker=blocker)
            messages.success(request, "Resolved.")
        return redirect(item)
    """
    try:
        yield
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


def client_ip(request) -> str:
    """The client's address as the nearest trusted proxy saw it (the
    TRUSTED_PROXY_COUNT-th address from the right of X-Forwarded-For, as DRF's
    throttles read it), or the socket's peer when no proxy is trusted. Used by
    the sign-in lockout, the API throttles and the password-reset limit alike."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")
