"""A bounded load test on loopback: gunicorn serving the portal as production
runs it (DEBUG off, PostgreSQL, Redis as the cache), signed-in users on a
mixed workload, then throughput and p50/p95/p99 per endpoint.

    DATABASE_URL=postgres://.../portal_load CACHE_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/load.py --users 100 --seconds 60 --workers 2

Each simulated person waits 0.25-0.75 s between requests (think time) and
picks, 70 % of the time, a read (product overview, backlog page, sprint
board, request list, the backlog and request API lists) and 30 % a write
(add an item, move an item, submit a request).

How the run differs from production, and why:
- People are signed in by sessions written directly (no sign-in form, so
  django-axes' lockout never sees them); POSTs carry a CSRF cookie and header
  as the pages' script does.
- REQUEST_SUBMISSIONS_PER_HOUR is raised for the run (each person submits
  about ten requests a minute here; the production limit is per hour).
- The database named by DATABASE_URL gets scale data once (a product with
  2,000 items, an active sprint of 60 cards, 300 requests, the people); it
  must not be a database you care about.

The generator is a small asyncio HTTP/1.1 client of its own (one connection
per request, as a browser behind a proxy that does not keep connections to
gunicorn alive), so nothing needs installing.
"""

import argparse
import asyncio
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USERS_PRODUCT = "load"
THINK = (0.25, 0.75)
SETTINGS_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "load-test-only-" + "k" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "REQUEST_SUBMISSIONS_PER_HOUR": "1000000",
    "LOG_LEVEL": "WARNING",
}


# --- data and sessions (in this process, through Django) -----------------------


def prepare(users: int) -> dict:
    """Migrate, add the scale data once, and sign `users` people in (session cookies)."""
    for key, value in SETTINGS_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils.module_loading import import_string

    from apps.accounts.models import Membership, Role, User
    from apps.backlog.models import BacklogItem, Label
    from apps.products.models import Product
    from apps.requests.models import StakeholderRequest
    from apps.sprints.models import Sprint
    from bench.bench_backlog import make_backlog
    from bench.bench_requests import WORDS
    from bench.bench_sprints import make_active

    if "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own: the load test measures production's setup.")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    product, _ = Product.objects.get_or_create(slug=USERS_PRODUCT, defaults={"name": "Load"})
    people = list(User.objects.filter(username__startswith="load-").order_by("pk"))
    if len(people) < users:
        people += User.objects.bulk_create(
            User(username=f"load-{n}", first_name=f"Person {n}") for n in range(len(people), users)
        )
        Membership.objects.bulk_create(
            (Membership(user=user, product=product, role=Role.SCRUM_MASTER) for user in people),
            ignore_conflicts=True,
        )
    people = people[:users]
    if not Label.objects.filter(product=product).exists():
        Label.objects.bulk_create(Label(product=product, name=name) for name in ["ml", "data", "infra", "ux"])
    if BacklogItem.objects.filter(product=product).count() < 2000:
        make_backlog(product, people[:10], list(Label.objects.filter(product=product)), 2000)
    sprint = Sprint.objects.filter(product=product, status=Sprint.Status.ACTIVE).first()
    if sprint is None:
        if not Sprint.objects.filter(product=product).exists():
            Sprint.objects.create(
                product=product, name="Before", status=Sprint.Status.CLOSED, start_date="2025-01-06",
                end_date="2025-01-19",
            )  # fmt: skip
        sprint = make_active(product, people[0])
    have = StakeholderRequest.objects.filter(product=product).count()
    if have < 300:
        rng = random.Random(3)
        StakeholderRequest.objects.bulk_create(
            StakeholderRequest(
                product=product, number=have + n + 1, requester=rng.choice(people),
                title=f"Request {have + n + 1}: {' '.join(rng.sample(WORDS, 4))}",
                problem=" ".join(rng.choices(WORDS, k=30)),
                desired_outcome="Better decisions.", visibility=rng.choice(["public", "public", "private"]),
            )
            for n in range(300 - have)
        )  # fmt: skip
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    cookies = []
    for user in people:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(session.session_key)
    top = BacklogItem.objects.filter(product=product).order_by("-number").values_list("number", flat=True).first()
    return {"sessions": cookies, "sprint": sprint.pk, "items": top}


# --- the workload --------------------------------------------------------------------


def workload(data: dict):
    """(name, weight, request maker): 70 % reads, 30 % writes."""
    page, api = f"/p/{USERS_PRODUCT}", f"/api/v1/products/{USERS_PRODUCT}"

    def get(path):
        return lambda rng: ("GET", path, None, {})

    def add_item(rng):
        body = {"title": f"Load item {rng.randrange(10**6)}", "kind": "story"}
        return "POST", f"{page}/backlog/items/", body, {"HX-Request": "true"}

    def move_item(rng):
        number = rng.randint(1, data["items"])
        body = {"to": "top"} if rng.random() < 0.5 else {"before": rng.randint(1, data["items"])}
        return "POST", f"{page}/backlog/items/{number}/move/", body, {"X-Requested-With": "fetch"}

    def submit_request(rng):
        body = {
            "title": f"Weekly churn forecast by region {rng.randrange(10**6)}",
            "problem": "Planners guess churn per region every Monday by hand.",
            "affected": "Regional planners",
            "desired_outcome": "A forecast they trust, every Monday at 8.",
            "urgency": "medium",
            "visibility": "public",
        }
        return "POST", f"{page}/requests/new/", body, {}

    return [
        ("overview", 15, get(f"{page}/")),
        ("backlog page", 15, get(f"{page}/backlog/")),
        ("sprint board", 15, get(f"{page}/sprints/{data['sprint']}/board/")),
        ("request list", 10, get(f"{page}/requests/")),
        ("API backlog items", 7.5, get(f"{api}/backlog/items/")),
        ("API requests", 7.5, get(f"{api}/requests/")),
        ("add item", 10, add_item),
        ("move item", 10, move_item),
        ("submit request", 10, submit_request),
    ]


async def send(port: int, method: str, path: str, body: dict | None, headers: dict, cookie: str, csrf: str) -> int:
    payload = urlencode(body or {}, doseq=True).encode()
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Cookie: sessionid={cookie}; csrftoken={csrf}",
        "Connection: close",
        "Accept: text/html,application/json",
    ]
    if method == "POST":
        lines += [
            f"X-CSRFToken: {csrf}",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(payload)}",
        ]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (payload if method == "POST" else b""))
        await writer.drain()
        status_line = await reader.readline()
        while await reader.read(65536):
            pass
    finally:
        writer.close()
    return int(status_line.split()[1])


async def person(n, port, cookie, actions, weights, stop_at, measure_from, results, errors):
    rng = random.Random(n)
    csrf = secrets.token_hex(16)  # 32 characters: the secret itself, as a cookie and the header
    await asyncio.sleep(rng.uniform(0, THINK[1]))
    while time.monotonic() < stop_at:
        name, _, make = rng.choices(actions, weights)[0]
        method, path, body, headers = make(rng)
        started = time.monotonic()
        try:
            status = await send(port, method, path, body, headers, cookie, csrf)
        except (OSError, ValueError, IndexError) as exc:
            status = f"{type(exc).__name__}"
        elapsed = time.monotonic() - started
        if started >= measure_from:
            results[name].append(elapsed * 1000)
            if not (isinstance(status, int) and status < 400):
                errors[name].append(status)
        await asyncio.sleep(rng.uniform(*THINK))


async def run_load(port, data, seconds, warmup):
    actions = workload(data)
    weights = [weight for _, weight, _ in actions]
    results, errors = defaultdict(list), defaultdict(list)
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    await asyncio.gather(
        *(
            person(n, port, cookie, actions, weights, stop_at, measure_from, results, errors)
            for n, cookie in enumerate(data["sessions"])
        )
    )
    return results, errors


# --- gunicorn ---------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time every core spent busy (all processes), from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, **SETTINGS_ENV}
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--threads", str(threads), "--backlog", "2048", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 -- our own command
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if asyncio.run(send(port, "GET", "/healthz", None, {}, "", "x")) == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within a minute")


def report(results, errors, seconds, server_cpu, load_cpu, all_cpu, label) -> None:
    total = sum(len(times) for times in results.values())
    every = sorted(t for times in results.values() for t in times)
    print(f"\n## load: {label}")
    print(
        f"  {total} requests in {seconds} s: {total / seconds:.1f} req/s; errors {sum(map(len, errors.values()))}; "
        f"gunicorn CPU {server_cpu / seconds:.2f} cores, load generator {load_cpu / seconds:.2f} cores, "
        f"the rest (PostgreSQL, Redis, other jobs) {(all_cpu - server_cpu - load_cpu) / seconds:.2f} cores"
    )
    if total:
        per_request = f"gunicorn {server_cpu / total * 1000:.1f} ms, all processes {all_cpu / total * 1000:.1f} ms"
        print(f"  CPU per request: {per_request}")
    print(f"  {'endpoint':<20} {'count':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'errors':>7}")
    rows = [*sorted(results.items()), ("all", every)]
    for name, times in rows:
        if not times:
            continue
        q = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
        failed = sum(map(len, errors.values())) if name == "all" else len(errors.get(name, []))
        print(
            f"  {name:<20} {len(times):6d} {statistics.median(times):6.0f} ms {q[94]:6.0f} ms {q[98]:6.0f} ms"
            f" {failed:7d}"
        )
    for name, statuses in errors.items():
        print(f"  errors of {name}: {sorted(set(map(str, statuses)))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60, help="measured time (after the warm-up)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    data = prepare(args.users)
    from django.db import connections

    connections.close_all()
    server = start_gunicorn(args.port, args.workers, args.threads)
    try:
        pids = [server.pid, *children(server.pid)]
        time.sleep(1)
        asyncio.run(asyncio.sleep(0))
        before_server, before_self, before_all = cpu_seconds(pids), time.process_time(), machine_busy_seconds()
        results, errors = asyncio.run(run_load(args.port, data, args.seconds, args.warmup))
        server_cpu = cpu_seconds(pids) - before_server
        load_cpu = time.process_time() - before_self
        all_cpu = machine_busy_seconds() - before_all
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    label = (
        f"{args.users} users, think {THINK[0]}-{THINK[1]} s, gunicorn {args.workers} worker(s) x "
        f"{args.threads} thread(s), {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    # The CPU counters include the warm-up: count the measured share of it.
    share = args.seconds / (args.seconds + args.warmup)
    report(results, errors, args.seconds, server_cpu * share, load_cpu * share, all_cpu * share, label)


if __name__ == "__main__":
    main()
