from django.db import connection
from pytest_django.asserts import assertContains

from apps.core.markdown import render_markdown
from apps.core.models import Heartbeat
from apps.core.tasks import heartbeat
from tests.factories import UserFactory


def test_heartbeat_task_records_each_run(db):
    heartbeat.delay()
    heartbeat.delay()
    beat = Heartbeat.objects.get(name="worker")
    assert beat.beats == 2


def test_staff_see_the_last_heartbeat_on_the_status_page(client, db):
    heartbeat.delay()
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/status/")
    assertContains(response, "worker")
    assertContains(response, f"<td>{connection.vendor}</td>", html=True)


def test_status_page_is_for_staff_only(client, pm):
    client.force_login(pm)
    assert client.get("/status/").status_code == 403


def test_health_check_answers_without_signing_in(client, db):
    response = client.get("/healthz")
    assert response.content == b"ok"


def test_markdown_keeps_formatting_and_drops_scripts_and_unsafe_links():
    html = render_markdown("**bold** <script>x()</script> [a](javascript:evil()) [b](https://ok.example)")
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert 'href="https://ok.example"' in html
