"""One mapping of business-rule errors for HTML views, as apps.core.api has
for the API. Views handle the errors of their own forms (apps.core.forms);
what escapes a view lands here:

- a stale edit (Conflict) is a 409 with its message;
- a refused action (ValidationError) is a 400 with its message, or for a plain
  form post, the message on the page the person came from;
- too many of something (RateLimited) is a 429 with its message and Retry-After;
- htmx requests get the message as a fragment for the page's message area.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from apps.core.exceptions import Conflict, RateLimited


class ServiceErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None  # DRF maps its own (apps.core.api.exception_handler)
        if isinstance(exception, Conflict):
            return error_response(request, str(exception), status=409)
        if isinstance(exception, RateLimited):
            response = error_response(request, str(exception), status=429)
            response["Retry-After"] = str(exception.retry_after)
            return response
        if isinstance(exception, ValidationError):
            text = " ".join(exception.messages)
            back = _back_url(request)
            if request.method == "POST" and back and not request.htmx:
                messages.error(request, text)
                return redirect(back)
            return error_response(request, text, status=400)
        return None


def error_response(request, text: str, *, status: int) -> TemplateResponse:
    if request.htmx:
        # Shown in the page's message area, whatever the request meant to swap.
        response = TemplateResponse(request, "partials/error.html", {"error": text}, status=status)
        response["HX-Retarget"] = "#messages"
        response["HX-Reswap"] = "innerHTML"
        return response
    return TemplateResponse(
        request, "error.html", {"error": text, "status": status, "back": _back_url(request)}, status=status
    )


def _back_url(request) -> str:
    """Where the person came from, if it is this site: a `next` field or the Referer."""
    for candidate in (request.POST.get("next"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return ""
