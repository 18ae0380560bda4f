"""Personas shared by every test: one person per role in `product`, and an
outsider who belongs to another product only."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Role
from apps.backlog.models import BacklogItem
from tests.factories import BacklogItemFactory, MembershipFactory, ProductFactory, UserFactory


@pytest.fixture
def product(db):
    return ProductFactory(name="Recommender", slug="recommender")


@pytest.fixture
def other_product(db):
    return ProductFactory(name="Other", slug="other")


def _member(product, role, username):
    return MembershipFactory(product=product, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def pm(product):
    return _member(product, Role.PRODUCT_MANAGER, "pm")


@pytest.fixture
def scrum_master(product):
    return _member(product, Role.SCRUM_MASTER, "scrum")


@pytest.fixture
def member(product):
    return _member(product, Role.TEAM_MEMBER, "member")


@pytest.fixture
def stakeholder(product):
    return _member(product, Role.STAKEHOLDER, "stakeholder")


@pytest.fixture
def outsider(other_product):
    """A product manager, but of another product."""
    return _member(other_product, Role.PRODUCT_MANAGER, "outsider")


@pytest.fixture
def persona(request, pm, scrum_master, member, stakeholder, outsider):
    """Parametrise with indirect=True and a name: "pm", "scrum_master", ..."""
    return {
        "pm": pm,
        "scrum_master": scrum_master,
        "member": member,
        "stakeholder": stakeholder,
        "outsider": outsider,
    }[request.param]


@pytest.fixture
def make_item(product):
    """A backlog item made straight into the table (fast, any state): a new,
    unestimated story of `product` unless the arguments say otherwise.

        make_item()
        make_item(title="Churn model", status="ready", labels=[label], acceptance_criteria=["It works"])
        make_item(other_product, "Profile data", 3, status="ready")  # product, title, story points
    """
    default_product = product

    def make(product=None, title=None, points=None, status=None, **fields) -> BacklogItem:
        fields["product"] = product or default_product
        given = {"title": title, "story_points": points, "status": status}
        fields |= {name: value for name, value in given.items() if value is not None}
        return BacklogItemFactory(**fields)

    return make


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` signs it in."""

    class Client(APIClient):
        def as_user(self, user):
            # A session, not force_authenticate: each request then loads the
            # user afresh, as in production (no state kept between requests).
            self.force_login(user)
            return self

    return Client()


@pytest.fixture
def browser_client(client):
    """The Django test client with a helper to sign in as someone."""

    def as_user(user):
        client.force_login(user)
        return client

    client.as_user = as_user
    return client


@pytest.fixture
def real_celery_worker(transactional_db, settings):
    """A real Celery worker process consuming from the configured broker and
    writing to this test's database. Needs Redis and PostgreSQL (the worker
    cannot see an in-memory SQLite test database); skipped without them
    locally, failed without them in CI."""
    from django.db import connection

    from portal.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://") or connection.vendor != "postgresql":
        message = "needs CELERY_BROKER_URL=redis://... and DATABASE_URL=postgres://..."
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the broker tests: {message}")
        pytest.skip(message)

    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    # Tasks left in the queue by an earlier, interrupted run would otherwise run against this database.
    app.control.purge()
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-l", "info"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    deadline = time.monotonic() + 60
    for line in worker.stdout:
        output.append(line)
        if "ready." in line:
            break
        if time.monotonic() > deadline:
            break
    if worker.poll() is not None or not any("ready." in line for line in output):
        worker.kill()
        pytest.fail("Celery worker did not start:\n" + "".join(output))

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield worker
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


@pytest.fixture
def tasks_sent_to_a_broker():
    """Tasks are sent to a broker (which the test may make fail), not run in place as in other tests."""
    from portal.celery import app

    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True
