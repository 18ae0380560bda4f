"""Schema conformance: schemathesis generates requests for every operation of
/api/schema/ and checks each answer against the schema (status documented,
content type, body and headers), failing on any 5xx; as a product manager, a
team member, a stakeholder and anonymously, on the demo data.

Bounded: SCHEMA_EXAMPLES examples per operation and role (default 4). Marked
`schema`: CI runs it once, in its PostgreSQL pass.
"""

import json
import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import checks

from apps.accounts import services as accounts
from apps.accounts.models import User
from portal.wsgi import application

pytestmark = [pytest.mark.schema]

# A 5xx, or an answer the schema does not describe (status, content type, body, headers). Business
# refusals of schema-valid input (a wrong password, a stale version) are 4xx the schema documents.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "4"))
ROLES = {"pm": "pia", "member": "tara", "stakeholder": "stella", "anonymous": None}
PRODUCT = "recommender"

# The schema as /api/schema/ serves it (generated here: loading it over WSGI would query the database at import).
# Only the fuzzing phase, bounded by EXAMPLES (the coverage phase alone makes hundreds of cases per operation).
CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"max-examples": EXAMPLES},
    }
)
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(SchemaGenerator().get_schema(public=True), default=str)), config=CONFIG
)
schema.app = application


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data once for the module, rolled back at its end; each test's
    own changes roll back to a savepoint (pytest-django's `db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        tokens = {}
        for role, username in ROLES.items():
            if username:
                _, tokens[role] = accounts.api_token_create(
                    actor=User.objects.get(username=username), name=f"schema test {role}", lifetime_days=1
                )
        yield tokens
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI app, whose end-of-request handler would
    close the connection holding the test's transaction (Django's own test
    client unhooks it the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    # Thousands of requests a minute are the point here; throttling has its own tests.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "auth_token": None})


@pytest.mark.parametrize("role", list(ROLES))
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, role, demo, db, count_case):
    if "product_slug" in (case.path_parameters or {}):
        case.path_parameters["product_slug"] = PRODUCT
    if role != "anonymous":
        case.headers = {**(case.headers or {}), "Authorization": f"Token {demo[role]}"}
    response = case.call_and_validate(checks=CHECKS)
    count_case(role, response.status_code)
