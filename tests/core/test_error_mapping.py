"""The one mapping of refusals for pages (apps.core.middleware) and the quiet
logging of expected refusals (apps.core.logging)."""

import logging
import sys

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from apps.core.exceptions import Conflict
from apps.core.logging import WithoutExpectedTracebacks
from apps.core.middleware import ServiceErrorMiddleware


@pytest.fixture
def middleware():
    return ServiceErrorMiddleware(lambda request: None)


def _request(method="post", path="/p/x/thing/", htmx=False, **headers):
    request = getattr(RequestFactory(), method)(path, headers={**({"HX-Request": "true"} if htmx else {}), **headers})
    request.htmx = HtmxDetails(request)
    request.session = {}
    request._messages = _Messages()
    return request


class _Messages(list):
    def add(self, level, message, extra_tags=""):
        self.append(str(message))


def test_a_stale_edit_is_a_409_page_with_its_message(middleware):
    response = middleware.process_exception(_request(), Conflict("#4 was changed by someone else."))
    response.render()
    assert response.status_code == 409
    assert "#4 was changed by someone else." in response.content.decode()


def test_a_refused_button_post_goes_back_with_the_message(middleware):
    request = _request(Referer="http://testserver/p/x/backlog/")
    response = middleware.process_exception(request, ValidationError("Say what the item is waiting for."))
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/p/x/backlog/"
    assert request._messages == ["Say what the item is waiting for."]


def test_a_refusal_never_redirects_to_another_site(middleware):
    request = _request(Referer="https://evil.example/")
    response = middleware.process_exception(request, ValidationError("No."))
    response.render()
    assert response.status_code == 400
    assert "evil.example" not in response.content.decode()


def test_htmx_refusals_land_in_the_message_area(middleware):
    response = middleware.process_exception(_request(htmx=True), ValidationError("Votes are used up."))
    response.render()
    assert (response.status_code, response["HX-Retarget"], response["HX-Reswap"]) == (400, "#messages", "innerHTML")
    assert "Votes are used up." in response.content.decode()


def test_api_errors_are_left_to_the_api_handler(middleware):
    assert middleware.process_exception(_request(path="/api/v1/x/"), Conflict("stale")) is None


def test_other_exceptions_pass_through(middleware):
    assert middleware.process_exception(_request(), KeyError("bug")) is None


@pytest.mark.parametrize("status", [400, 403, 404, 409])
def test_expected_refusals_are_logged_without_a_traceback(status):
    try:
        raise (PermissionDenied if status == 403 else Http404)("no")
    except Exception:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Refused", (), exc_info=True)
        record.exc_info = sys.exc_info()
    record.status_code = status
    assert WithoutExpectedTracebacks().filter(record)
    assert record.exc_info is None


def test_server_errors_keep_their_traceback():
    try:
        raise KeyError("bug")
    except KeyError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Boom", (), exc_info=None)
        record.exc_info = sys.exc_info()
    record.status_code = 500
    WithoutExpectedTracebacks().filter(record)
    assert record.exc_info is not None


def test_a_forbidden_page_logs_one_line_and_no_traceback(client, stakeholder, product, caplog):
    client.force_login(stakeholder)
    handler = logging.getLogger().handlers[0]
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/p/{product.slug}/backlog/")
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    formatted = handler.format(record) if handler.filter(record) else ""
    assert "Forbidden" in formatted
    assert "Traceback" not in formatted
