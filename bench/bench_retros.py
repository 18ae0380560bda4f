"""Retrospective boards at scale: 30 participants, 300 cards.

1. In process (the whole Django stack, DEBUG off): what each browser fetches
   every two seconds (the live fragment; a 204 when the board has not moved;
   the API's board JSON) and the board page, in the write phase (each person
   sees only their own cards, anonymous ones opened from their seal) and in
   the discussion (300 cards in 40 themes, 150 votes), with query counts and
   the raw-SQL floor of reading the cards.
2. Against gunicorn with 2 sync workers (as production runs on 2 cores), on
   loopback only: 30 clients refreshing at once, round after round, first
   with a board that moved (every poll renders the board) and then with one
   that did not (204): p50 and p95 latency. Bounded: each request times out
   after 10 s and the whole run after a deadline.
"""

import datetime
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

from apps.accounts.models import Membership, Role, User
from apps.products.models import Product
from apps.retros import services
from apps.retros.models import Card, Column, Retrospective, Theme, Vote
from apps.sprints import services as sprint_services
from bench.harness import client_for, measure_get, print_header, print_row, raw_sql_floor

PARTICIPANTS = 30
CARDS = 300
THEMES = 40
ROUNDS = 8
DEADLINE_SECONDS = 180
ROOT = Path(__file__).resolve().parent.parent


def make_board() -> tuple[Product, Retrospective, list[User]]:
    lead = User.objects.create_user("bench-lead", password="x")
    product = Product.objects.create(name="Bench retros", slug="bench-retros")
    Membership.objects.create(user=lead, product=product, role=Role.SCRUM_MASTER)
    people = User.objects.bulk_create(
        User(username=f"retro{i}", email=f"retro{i}@example.com") for i in range(PARTICIPANTS)
    )
    Membership.objects.bulk_create(Membership(user=p, product=product, role=Role.TEAM_MEMBER) for p in people)
    start = datetime.date(2026, 3, 2)
    sprint = sprint_services.sprint_create(
        actor=lead, product=product, name="Sprint 1", start_date=start, end_date=start + datetime.timedelta(days=13)
    )
    sprint = sprint_services.sprint_start(actor=lead, sprint=sprint)
    retro = services.retro_create(actor=lead, product=product, sprint=sprint)
    columns = list(Column.objects.filter(retro=retro))
    secrets = {p.pk: "s" * 16 + str(p.pk).rjust(16, "0") for p in people}
    for n in range(CARDS):
        person = people[n % PARTICIPANTS]
        services.card_add(
            actor=person,
            retro=retro,
            column=columns[n % len(columns)],
            text=f"Card {n}: something that happened in the sprint and what it did to us",
            anonymous=n % 3 == 0,
            secret=secrets[person.pk],
        )
    return product, retro, [lead, *people]


def to_discussion(retro: Retrospective, lead: User, people: list[User]) -> Retrospective:
    retro = services.phase_advance(actor=lead, retro=retro, to="group")
    cards = list(Card.objects.filter(retro=retro).order_by("pk"))
    for t in range(THEMES):
        services.theme_create(actor=lead, retro=retro, title=f"Theme {t}", cards=cards[t::THEMES])
    retro = services.phase_advance(actor=lead, retro=retro, to="vote")
    themes = list(Theme.objects.filter(retro=retro))
    Vote.objects.bulk_create(
        Vote(retro=retro, theme=themes[(i * 7 + k) % len(themes)], voter=p)
        for i, p in enumerate(people)
        for k in range(5)
    )
    return services.phase_advance(actor=lead, retro=retro, to="discuss")


def in_process(product: Product, retro: Retrospective, viewer: User, label: str) -> None:
    client = client_for(viewer)
    base = f"/p/{product.slug}/retros/{retro.pk}/"
    api = f"/api/v1/products/{product.slug}/retros/{retro.pk}/board/"
    version = Retrospective.objects.get(pk=retro.pk).board_version
    print_row(f"board page, {label}", measure_get(client, base))
    print_row(f"poll, board moved (live fragment), {label}", measure_get(client, f"{base}live/?since=0"))
    print_row(f"poll, unchanged (204), {label}", measure_get(client, f"{base}live/?since={version}", expect=204))
    print_row(f"API board JSON, {label}", measure_get(client, api))
    print_row(f"API poll, unchanged (204), {label}", measure_get(client, f"{api}?since={version}", expect=204))
    floor = raw_sql_floor(
        "SELECT c.id, c.text, c.anonymous, c.sealed, u.first_name, u.last_name FROM retros_card c "
        "LEFT JOIN accounts_user u ON u.id = c.author_id WHERE c.retro_id = %s ORDER BY c.position",
        [retro.pk],
    )
    print_row(f"raw SQL floor: the {CARDS} cards with authors", floor)


# --- Under gunicorn --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _session_cookies(people: list[User]) -> list[str]:
    cookies = []
    for person in people:
        client = client_for(person)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def _get(url: str, cookie: str) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "HX-Request": "true"})  # noqa: S310 -- loopback
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 -- loopback
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - start) * 1000


def _rounds(url_of, cookies: list[str], deadline: float) -> tuple[list[float], dict[int, int]]:
    """ROUNDS times, every client fetches at once (a barrier), like boards polling in step."""
    times: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    for _ in range(ROUNDS):
        if time.monotonic() > deadline:
            break
        barrier = threading.Barrier(len(cookies))

        def client(cookie: str, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                status, took = _get(url_of(), cookie)
            except OSError:
                status, took = 0, 10_000.0
            with lock:
                times.append(took)
                statuses[status] = statuses.get(status, 0) + 1

        threads = [threading.Thread(target=client, args=(c,)) for c in cookies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return times, statuses


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)


def under_gunicorn(product: Product, retro: Retrospective, people: list[User]) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": _database_url(),
    }
    server = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        cookies = _session_cookies(people[1 : PARTICIPANTS + 1])
        base = f"http://127.0.0.1:{port}/p/{product.slug}/retros/{retro.pk}/live/"
        version = Retrospective.objects.get(pk=retro.pk).board_version
        _rounds(lambda: f"{base}?since=0", cookies[:4], deadline)  # warm both workers
        for label, url in (
            ("board moved: every client renders the board", f"{base}?since=0"),
            ("board unchanged: 204", f"{base}?since={version}"),
        ):
            times, statuses = _rounds(lambda url=url: url, cookies, deadline)
            if not times:
                print(f"  gunicorn x2, {PARTICIPANTS} clients at once, {label}: deadline passed")
                continue
            print(
                f"  gunicorn x2, {PARTICIPANTS} clients at once, {label:<44} "
                f"p50 {statistics.median(times):7.1f} ms   p95 {_p95(times):7.1f} ms   "
                f"max {max(times):7.1f} ms   ({len(times)} requests, statuses {statuses})"
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def run() -> None:
    print_header(f"retros: {PARTICIPANTS} participants, {CARDS} cards")
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: times scale with it)")
    product, retro, people = make_board()
    viewer = people[1]
    in_process(product, retro, viewer, "write phase (own cards only)")
    retro = to_discussion(retro, people[0], people[1:])
    in_process(product, retro, viewer, f"discussion ({THEMES} themes, {PARTICIPANTS * 5} votes)")
    under_gunicorn(product, retro, people)
