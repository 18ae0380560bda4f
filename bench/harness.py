"""What every benchmark shares: a scratch database, server-side timing of
requests through the whole Django stack, query counts, the raw-SQL floor and
peak memory. Benchmarks print figures; they never assert on time."""

import gc
import os
import statistics
import time
import tracemalloc
from contextlib import contextmanager

import django

# Measure what production runs: DEBUG off (no query log, no static finders),
# with a throwaway key and plain HTTP for the in-process client.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def scratch_database():
    """A fresh database beside the real one (test_<name>, or a file under var/ for SQLite)."""
    if connection.vendor == "sqlite":
        settings.DATABASES["default"]["TEST"]["NAME"] = str(settings.VAR_DIR / f"bench-{os.getpid()}.sqlite3")
    config = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(config, verbosity=0)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def measure(action, repeat: int = 15, warmup: int = 2) -> dict:
    """Median and best wall time (ms) of `action()` and its query count."""
    for _ in range(warmup):
        action()
    with CaptureQueriesContext(connection) as ctx:
        action()
    queries = len(ctx)
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(times), "best_ms": min(times), "queries": queries}


def measure_get(client: Client, url: str, repeat: int = 15, expect: int = 200) -> dict:
    def get():
        response = client.get(url)
        if response.status_code != expect:
            raise AssertionError(f"GET {url} answered {response.status_code}")
        if hasattr(response, "streaming_content"):
            for _ in response.streaming_content:
                pass

    return measure(get, repeat=repeat)


def raw_sql_floor(sql: str, params=(), repeat: int = 15) -> dict:
    """Time to fetch the same rows with one hand-written query: the floor a page cannot beat."""

    def fetch():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return measure(fetch, repeat=repeat)


def peak_memory_mb(action) -> float:
    """Peak Python memory allocated while `action()` runs, in MiB."""
    gc.collect()
    tracemalloc.start()
    try:
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / (1024 * 1024)


def print_header(title: str) -> None:
    print(f"\n## {title}  [{connection.vendor}]")


def print_row(label: str, figures: dict, floor: dict | None = None) -> None:
    line = (
        f"  {label:<52} {figures['median_ms']:8.1f} ms (best {figures['best_ms']:.1f})  {figures['queries']:3d} queries"
    )
    if floor is not None:
        line += f"   raw SQL floor {floor['median_ms']:.1f} ms"
    print(line)
