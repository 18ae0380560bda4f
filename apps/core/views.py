import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.core.models import Heartbeat

csp_log = logging.getLogger("portal.csp")
_CSP_REPORT_MAX_BYTES = 8 * 1024


@login_required
def status(request):
    """Operators' view of the moving parts: database, broker and the worker's last heartbeat."""
    if not request.user.is_staff:
        raise PermissionDenied("Only staff can see the system status.")
    heartbeats = [
        {"beat": beat, "age": (timezone.now() - beat.last_seen_at).total_seconds()}
        for beat in Heartbeat.objects.order_by("name")
    ]
    return TemplateResponse(
        request,
        "core/status.html",
        {
            "heartbeats": heartbeats,
            "database": connection.vendor,
            "broker": settings.CELERY_BROKER_URL.split("://", 1)[0],
        },
    )


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt  # browsers post reports without a CSRF token
@require_POST
def csp_report(request):
    """Where browsers report what the Content-Security-Policy blocked (or,
    in report-only mode, would block): one log line per report."""
    if len(request.body) > _CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(request.body).get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    csp_log.warning(
        "CSP violation: %s blocked %s on %s (%s:%s)",
        str(report.get("violated-directive") or report.get("effective-directive"))[:100],
        str(report.get("blocked-uri"))[:200],
        str(report.get("document-uri"))[:200],
        str(report.get("source-file"))[:200],
        str(report.get("line-number"))[:10],
    )
    return HttpResponse(status=204)


def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin, a raw file)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def not_found(request, exception=None):
    """404 for an address no page or endpoint answers: the API's JSON shape
    under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
