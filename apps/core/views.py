from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from apps.core.models import Heartbeat


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
