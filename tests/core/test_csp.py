"""Content-Security-Policy: scripts only from our own static files, and the
templates carry no inline script or inline event handlers for it to block."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# An executable <script> without src (JSON data blocks are fine), an on*= handler, htmx's hx-on.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:json|ld\+json)\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\s(?:on[a-z]+|hx-on[:\w-]*|data-hx-on[:\w-]*)\s*=", re.I)


def _templates():
    return sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))


def _inline_code(text: str) -> list[str]:
    return INLINE_SCRIPT.findall(text) + [match.strip() for match in INLINE_HANDLER.findall(text)]


@pytest.mark.parametrize("name", _templates())
def test_template_has_no_inline_script_or_handlers(name):
    assert _inline_code((TEMPLATES / name).read_text()) == []


def _policy(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy") or response["Content-Security-Policy-Report-Only"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def test_pages_send_a_policy_without_inline_script(client, pm, product):
    client.force_login(pm)
    policy = _policy(client.get(f"/p/{product.slug}/"))
    assert policy["script-src"] == "script-src 'self'"
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "report-uri" in policy


def test_the_policy_is_enforced(client, db):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_report_only_is_one_environment_setting():
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(bool(s.CONTENT_SECURITY_POLICY_REPORT_ONLY) and not s.CONTENT_SECURITY_POLICY)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1", "CSP_ENFORCE": "0"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "True", result.stderr


@pytest.mark.parametrize("path", ["/api/docs/", "/admin/", "/admin/accounts/user/{pk}/change/", "/accounts/login/"])
def test_pages_from_libraries_load_no_inline_script(client, db, path):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(path.format(pk=admin.pk))
    assert response.status_code == 200
    assert INLINE_SCRIPT.findall(response.content.decode()) == []


def test_violation_reports_are_logged(client, db, caplog):
    report = {"csp-report": {"violated-directive": "script-src-attr", "blocked-uri": "inline", "document-uri": "x"}}
    response = client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204
    assert "script-src-attr blocked inline" in caplog.text
    assert client.post("/csp-report/", "not json", content_type="application/csp-report").status_code == 400
