"""A database that stops answering is a 503 with Retry-After (page and API),
not a bare 500, and the next request after it answers normally again."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory

from apps.core.outage import RETRY_AFTER_SECONDS, server_error


def _database_down(error=None):
    error = error or OperationalError("server closed the connection unexpectedly")
    return mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=error)


def test_a_page_answers_503_with_retry_after_while_the_database_is_down(client, pm, product):
    client.force_login(pm)
    with _database_down():
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert b"Back in a moment" in response.content
    assert client.get("/").status_code == 200


def test_an_api_call_answers_503_json_with_retry_after_while_the_database_is_down(api, pm):
    api.as_user(pm)
    with _database_down(InterfaceError("connection already closed")):
        response = api.get("/api/v1/me/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "database" in response.json()["detail"]
    assert api.get("/api/v1/me/").status_code == 200


def test_the_health_check_reports_the_outage_as_503(db):
    client = Client()
    with _database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert client.get("/healthz").status_code == 200


def test_a_database_error_outside_any_view_is_still_a_503():
    """Middleware (sessions, users) fails before any view runs: handler500 maps it."""
    request = RequestFactory().get("/api/v1/me/")
    try:
        raise OperationalError("the database system is starting up")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_other_errors_stay_500():
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500


@pytest.mark.parametrize("setting", ["CONN_HEALTH_CHECKS"])
def test_kept_connections_are_checked_before_reuse(setting):
    assert settings.DATABASES["default"][setting] is True


def test_rate_limits_from_services_are_429_with_retry_after_on_pages_and_the_api():
    from rest_framework.test import APIRequestFactory

    from apps.core.api import exception_handler
    from apps.core.exceptions import RateLimited
    from apps.core.middleware import ServiceErrorMiddleware

    request = RequestFactory().get("/p/x/")
    request.htmx = False
    page = ServiceErrorMiddleware(lambda r: None).process_exception(request, RateLimited("Slow down.", retry_after=42))
    assert page.status_code == 429 and page["Retry-After"] == "42"

    api = exception_handler(RateLimited("Slow down.", retry_after=42), {"request": APIRequestFactory().get("/api/v1/")})
    assert api.status_code == 429 and api["Retry-After"] == "42"
    assert api.data["detail"].startswith("Slow down.")
