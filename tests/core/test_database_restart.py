"""Fault test: a real PostgreSQL server stops and starts again under a running
gunicorn. While it is down, a page and an API call answer 503 with
Retry-After; once it is back, the same kept-alive worker answers 200 again
(CONN_HEALTH_CHECKS replaces the dead connection).

A throwaway cluster on a free port, never the shared server: needs PostgreSQL's
`initdb` and `pg_ctl` (skipped without them locally, failed without them in CI).
"""

import contextlib
import http.cookiejar
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "fault-test-pass-2026"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses to run as root (CI runs as root): run it as `postgres`, as .ci/run does."""
    if os.geteuid() != 0:
        return command
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{part}'" for part in command)]


class Cluster:
    def __init__(self, workdir: Path):
        self.data = workdir / "pg"
        self.port = _free_port()
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
        self._run([shutil.which("initdb"), "-D", str(self.data), "-U", "portal", "--auth=trust"])

    def _run(self, command):
        subprocess.run(_as_postgres(command), check=True, capture_output=True, timeout=120)

    def start(self):
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data}"
        self._run(
            [shutil.which("pg_ctl"), "-D", str(self.data), "-l", str(self.data / "log"), "-o", options, "-w", "start"]
        )

    def stop(self):
        self._run([shutil.which("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    @property
    def url(self) -> str:
        return f"postgres://portal@127.0.0.1:{self.port}/postgres"


class Browser:
    """Just enough of one: cookies, CSRF and status codes, no exceptions for 4xx/5xx."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == name)


@pytest.fixture
def portal_on_a_throwaway_postgres():
    if not (shutil.which("initdb") and shutil.which("pg_ctl")):
        message = "needs PostgreSQL's initdb and pg_ctl on PATH"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the fault tests: {message}")
        pytest.skip(message)
    workdir = Path(tempfile.mkdtemp(prefix="portal-pg-fault-"))
    workdir.chmod(0o755)
    cluster = Cluster(workdir)
    cluster.start()
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "fault-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": cluster.url,
        "PORTAL_VAR_DIR": str(workdir / "var"),
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "--noinput"],
        ["createsuperuser", "--noinput", "--username", "fault", "--email", "f@example.com"],
    ):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield cluster, Browser(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=15)
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped by a failed test
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_a_postgres_restart_is_503_with_retry_after_then_200(portal_on_a_throwaway_postgres):
    cluster, browser = portal_on_a_throwaway_postgres
    status, _, _ = browser.request("/accounts/login/")
    assert status == 200
    status, _, _ = browser.request(
        "/accounts/login/",
        {"username": "fault", "password": PASSWORD, "csrfmiddlewaretoken": browser.cookie("csrftoken")},
    )
    assert status == 200  # followed the redirect to the dashboard
    assert browser.request("/")[0] == 200
    assert browser.request("/api/v1/me/")[0] == 200

    cluster.stop()
    for path, kind in (("/", "text/html"), ("/api/v1/me/", "application/json"), ("/healthz", "text/html")):
        status, headers, body = browser.request(path)
        assert status == 503, (path, status, body[:300])
        assert int(headers["Retry-After"]) > 0
        assert headers["Content-Type"].startswith(kind)

    cluster.start()
    # The worker kept its (now dead) connection: the health check replaces it on the first request.
    assert browser.request("/")[0] == 200
    assert browser.request("/api/v1/me/")[0] == 200
    assert browser.request("/healthz")[0] == 200
