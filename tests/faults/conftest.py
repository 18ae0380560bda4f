"""Fault injection with servers of our own: a throwaway redis-server on a free
port (never the shared one) that a test stops and starts, and Celery workers
on it that a test may kill outright. They write to the test's database, so
they need PostgreSQL (skipped without it locally, failed without it in CI)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Redis:
    """A redis-server of this test only: `stop()` is the broker outage, `start()` the recovery."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _require_real_servers() -> None:
    problem = None
    if connection.vendor != "postgresql":
        problem = "needs DATABASE_URL=postgres://... (workers must see the test's database)"
    elif not shutil.which("redis-server"):
        problem = "needs redis-server"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the fault tests: {problem}")
        pytest.skip(problem)


@pytest.fixture
def redis(transactional_db, tmp_path):
    _require_real_servers()
    server = Redis(tmp_path)
    yield server
    server.stop()


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path):
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """The whole worker dies at once (SIGKILL to its process group): no clean shutdown, nothing acknowledged."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(redis, tmp_path):
    """Start a Celery worker on the throwaway broker: start_worker(concurrency=2, slow_build=5)."""
    workers: list[Worker] = []

    def start(*, concurrency: int = 1, slow_build: float = 0, visibility_timeout: int | None = None) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": redis.url,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "FAULTS_SLOW_BUILD": str(slow_build),
        }
        if visibility_timeout is not None:
            env["CELERY_BROKER_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("worker.py")), f"--concurrency={concurrency}"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(process, log)
        workers.append(worker)
        deadline = time.monotonic() + 60
        while "ready." not in worker.output():
            if process.poll() is not None or time.monotonic() > deadline:
                worker.kill()
                pytest.fail("Celery worker did not start:\n" + worker.output())
            time.sleep(0.2)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@contextmanager
def portal_queues_to(url: str):
    """This process queues tasks to `url` for real (tests otherwise run them in place)."""
    from portal.celery import app

    names = ("broker_url", "broker_read_url", "broker_write_url", "task_always_eager")
    saved = {name: app.conf[name] for name in names}
    _reset_pool(app)
    app.conf.update(broker_url=url, broker_read_url=url, broker_write_url=url, task_always_eager=False)
    try:
        yield app
    finally:
        _reset_pool(app)
        app.conf.update(saved)


def _reset_pool(app) -> None:
    """Drop the connection and producer pools, so the next send connects to the broker now configured.

    Celery's pools live in kombu's process-wide registry, keyed by the broker's
    address: closing one without forgetting it leaves a closed pool that every
    later send (and every later test) would be handed."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
