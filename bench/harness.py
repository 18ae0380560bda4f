"""What every benchmark shares: a scratch database, server-side timing of
requests through the whole Django stack, query counts, the two floors a page
is compared with, and peak memory. Benchmarks print figures; they never
assert on time.

The floors, measured in the same run as the figure they stand beside:
- the SQL floor: one hand-written query fetching the same rows (the
  database's own cost, over the same connection);
- the view floor: an empty view through the same middleware, session and
  sign-in (for the API: the same authentication, permission and throttle
  classes), i.e. the cost of Django's request cycle (bench/urls.py).

A figure's ratio is its median over the sum of the two floors' medians. The
three are measured in interleaved rounds (floor, floor, figure, again), so a
neighbour's load on a shared machine weighs on all three alike. Each figure
gives the median wall time, its spread (quartiles) and the median CPU time of
this process (Python's share: the database server's time is not in it, and
it hardly depends on the machine's load).
"""

import gc
import os
import statistics
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass

import django

# Measure what production runs: DEBUG off (no query log, no static finders),
# with a throwaway key and plain HTTP for the in-process client. API throttles
# count in CACHE_URL's cache: set it to Redis as production does
# (CACHE_URL=redis://...); unset, the benchmarks count in this process's
# memory, which costs the same (no SQL) without a server.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("CACHE_URL", "locmem://")
# The benchmarks call the API far faster than any person: no throttling here
# (the throttle is still counted, so its cost is in every API figure).
os.environ.setdefault("API_RATE_PER_USER", "1000000/minute")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.ROOT_URLCONF = "bench.urls"

EMPTY_PAGE = "/bench/empty/"
EMPTY_API = "/api/v1/bench/empty/"
KEEP = os.environ.get("BENCH_KEEPDB", "") not in ("", "0")


@contextmanager
def scratch_database(module: str = "bench"):
    """A fresh database beside the real one (test_<name>, or a file under var/
    for SQLite). BENCH_KEEPDB=1 keeps one per module between runs, so scale
    data is made once (a module that supports it only adds what is missing:
    its smaller sizes then run on the data of the largest, so figures for the
    README come from runs without it)."""
    test = settings.DATABASES["default"]["TEST"]
    if connection.vendor == "sqlite":
        test["NAME"] = str(settings.VAR_DIR / (f"{module}.sqlite3" if KEEP else f"bench-{os.getpid()}.sqlite3"))
    elif KEEP:
        test["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_{module}"
    config = setup_databases(verbosity=0, interactive=False, keepdb=KEEP)
    try:
        yield
    finally:
        # Kept or not, the connection goes back to the real database's name, so
        # the next module's scratch database is named after it too.
        teardown_databases(config, verbosity=0, keepdb=KEEP)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Figures:
    median_ms: float
    q1_ms: float
    q3_ms: float
    best_ms: float
    cpu_ms: float
    queries: int

    # The old dict interface (figures["median_ms"]) still works for modules not yet rewritten.
    def __getitem__(self, key):
        return getattr(self, key)


def _figures(walls: list[float], cpus: list[float], queries: int) -> Figures:
    q1, _, q3 = statistics.quantiles(walls, n=4) if len(walls) > 1 else (walls[0],) * 3
    return Figures(statistics.median(walls), q1, q3, min(walls), statistics.median(cpus), queries)


def _count_queries(action) -> int:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return len(ctx)


def _time(action) -> tuple[float, float]:
    start_cpu, start = time.process_time(), time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def measure_many(actions: list, repeat: int = 15, warmup: int = 2) -> list[Figures]:
    """Figures of several actions measured in interleaved rounds."""
    for _ in range(warmup):
        for action in actions:
            action()
    queries = [_count_queries(action) for action in actions]
    walls: list[list[float]] = [[] for _ in actions]
    cpus: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        gc.collect()
        for n, action in enumerate(actions):
            wall, cpu = _time(action)
            walls[n].append(wall)
            cpus[n].append(cpu)
    return [_figures(w, c, q) for w, c, q in zip(walls, cpus, queries, strict=True)]


def measure(action, repeat: int = 15, warmup: int = 2) -> Figures:
    """Median wall time (ms) of `action()`, its spread, CPU time and query count."""
    return measure_many([action], repeat=repeat, warmup=warmup)[0]


def getter(client: Client, url: str, expect: int = 200):
    def get():
        response = client.get(url)
        if response.status_code != expect:
            raise AssertionError(f"GET {url} answered {response.status_code}")
        if hasattr(response, "streaming_content"):
            for _ in response.streaming_content:
                pass
        return response

    return get


def sql_fetch(sql: str, params=()):
    def fetch():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return fetch


def measure_get(client: Client, url: str, repeat: int = 15, expect: int = 200) -> "Compared":
    """A GET beside the empty view's floor (page or API), for figures without a hand-written SQL floor."""
    return compare(client, getter(client, url, expect), None, api=url.startswith("/api/"), repeat=repeat)


def raw_sql_floor(sql: str, params=(), repeat: int = 15) -> Figures:
    """Time to fetch the same rows with one hand-written query: the floor a page cannot beat."""
    return measure(sql_fetch(sql, params), repeat=repeat)


@dataclass
class Compared:
    figures: Figures
    sql: Figures | None  # None: no hand-written SQL of the same rows
    view: Figures

    @property
    def floor_ms(self) -> float:
        return (self.sql.median_ms if self.sql else 0.0) + self.view.median_ms

    @property
    def ratio(self) -> float:
        return self.figures.median_ms / self.floor_ms


def compare(client: Client, action, sql: str | None, params=(), *, api: bool, repeat: int = 15) -> Compared:
    """`action` (a request) beside its floors: the SQL of its rows (when given)
    and an empty view (page or API) for the same signed-in client, interleaved."""
    empty = getter(client, EMPTY_API if api else EMPTY_PAGE)
    if sql is None:
        figures, view_floor = measure_many([action, empty], repeat=repeat)
        return Compared(figures, None, view_floor)
    figures, sql_floor, view_floor = measure_many([action, sql_fetch(sql, params), empty], repeat=repeat)
    return Compared(figures, sql_floor, view_floor)


def compare_get(client: Client, url: str, sql: str, params=(), *, repeat: int = 15, expect: int = 200) -> Compared:
    return compare(client, getter(client, url, expect), sql, params, api=url.startswith("/api/"), repeat=repeat)


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
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"\n## {title}  [{connection.vendor}, cache {cache}, DEBUG {'on' if settings.DEBUG else 'off'}]")
    print(f"  {'':<54} {'median':>8} {'quartiles':>13} {'cpu':>6} {'queries':>7}")


def _line(label: str, figures: Figures) -> str:
    spread = f"{figures.q1_ms:.1f}–{figures.q3_ms:.1f}"
    return f"  {label:<54} {figures.median_ms:5.1f} ms {spread:>13} {figures.cpu_ms:6.1f} {figures.queries:5d} q"


def print_row(label: str, figures: Figures | Compared, floor: Figures | None = None) -> None:
    """One figure; a request's with its floors and the ratio to them. `floor`: a
    raw SQL floor measured apart, for a request compared to the empty view only."""
    if isinstance(figures, Compared):
        if figures.sql is None and floor is not None:
            figures = Compared(figures.figures, floor, figures.view)
        line = _line(label, figures.figures)
        sql = f"SQL {figures.sql.median_ms:.1f} + " if figures.sql else ""
        line += (
            f"   floors: {sql}view {figures.view.median_ms:.1f} ({figures.view.queries} q)"
            f" = {figures.floor_ms:.1f} ms   ×{figures.ratio:.1f}"
        )
    else:
        line = _line(label, figures)
        if floor is not None:
            line += f"   raw SQL floor {floor.median_ms:.1f} ms"
    print(line, flush=True)
