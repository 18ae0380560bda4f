"""A database that does not answer (a PostgreSQL restart, a failover, a full
connection pool) is an outage, not a bug: the person gets a 503 with
`Retry-After` instead of a bare 500, the API its usual {"detail": ...} shape,
and the log one warning line instead of a traceback per request.

Two doors lead here: `DatabaseOutageMiddleware.process_exception` for errors
raised by a view or its template, and `server_error` (the project's
`handler500`) for errors raised anywhere else, such as loading the session.
Neither touches the database. Connections recover by themselves: Django drops
a connection that failed (`close_if_unusable_or_obsolete` at the end of the
request) and CONN_HEALTH_CHECKS tests a kept one before reusing it.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)

# Seconds a client should wait before trying again: a restart takes a few.
RETRY_AFTER_SECONDS = 5
MESSAGE = "The database is not answering right now (a restart or maintenance). Please try again in a few seconds."
DATABASE_ERRORS = (OperationalError, InterfaceError)


def outage_response(request, exception: BaseException) -> HttpResponse:
    log.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        # A template of its own, rendered without the request: no context
        # processor, no session, nothing that needs the database.
        response = HttpResponse(loader.render_to_string("503.html", {"message": MESSAGE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return outage_response(request, exception)
        return None


@requires_csrf_token
def server_error(request, template_name: str = "500.html") -> HttpResponse:
    """Django's handler500, except that a database error anywhere in the
    request (middleware included) is answered as an outage."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return outage_response(request, exception)
    return HttpResponseServerError(loader.render_to_string(template_name))
