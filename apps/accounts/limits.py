"""How a sign-in lockout (django-axes) answers: 429 with Retry-After, a page
that says what happened and what to do, or the API's {"detail": ...}."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, round(cooloff / 60))
    message = (
        f"Too many failed sign-ins for this username from your address. Try again in {minutes} minutes, "
        "or reset your password."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = TemplateResponse(request, "registration/locked_out.html", {"message": message}, status=429)
        response.render()
    # Each refused try restarts the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it is the whole of it.
    response["Retry-After"] = str(cooloff)
    return response
