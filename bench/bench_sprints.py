"""Sprints at scale: a product with 200 closed sprints and 20,000 items.

Server time and query count of the board, burndown, velocity and sprint list,
at a tenth of the size and at full size, so a count that grows shows."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.backlog.models import BacklogItem
from apps.products.models import Product
from apps.sprints import metrics
from apps.sprints.models import ScopeEvent, Sprint, SprintItem
from bench.harness import client_for, compare_get, print_header, print_row

ITEMS_PER_SPRINT = 100
ACTIVE_ITEMS = 120
STATUSES = ["new", "ready", "in_progress", "in_review", "done"]
FIRST_MONDAY = datetime.date(2018, 1, 1)


def make_history(product: Product, user: User, sprints: int) -> None:
    """Closed two-week sprints (with frozen figures and burndowns) of ITEMS_PER_SPRINT items each."""
    start_number = BacklogItem.objects.filter(product=product).count()
    start_sprint = Sprint.objects.filter(product=product).count()
    now = timezone.now()
    items = BacklogItem.objects.bulk_create(
        BacklogItem(
            product=product,
            number=start_number + n + 1,
            rank=(start_number + n + 1) * 1024,
            title=f"Item {start_number + n + 1}",
            status="done" if n % 10 else "dropped",
            story_points=Decimal(1 + n % 8),
        )
        for n in range(sprints * ITEMS_PER_SPRINT)
    )
    closed = []
    for s in range(sprints):
        first = FIRST_MONDAY + datetime.timedelta(days=14 * (start_sprint + s))
        points = [Decimal(1 + n % 8) for n in range(ITEMS_PER_SPRINT)]
        committed = sum(points)
        events = [("committed", p, first) for p in points] + [
            ("finished", p, first + datetime.timedelta(days=n % 10)) for n, p in enumerate(points) if n % 10
        ]
        chart = metrics.burndown(start=first, end=first + datetime.timedelta(days=13), events=events)
        done = sum(p for n, p in enumerate(points) if n % 10)
        closed.append(
            Sprint(
                product=product,
                name=f"Sprint {start_sprint + s + 1}",
                status=Sprint.Status.CLOSED,
                start_date=first,
                end_date=first + datetime.timedelta(days=13),
                capacity_points=committed,
                started_at=now,
                closed_at=now,
                committed_points=committed,
                added_points=0,
                removed_points=0,
                completed_points=done,
                completed_committed_points=done,
                carried_over_points=0,
                dropped_points=committed - done,
                burndown=chart,
            )
        )
    Sprint.objects.bulk_create(closed)
    SprintItem.objects.bulk_create(
        SprintItem(
            sprint=closed[n // ITEMS_PER_SPRINT],
            item=item,
            points=item.story_points,
            committed=True,
            outcome="finished" if item.status == "done" else "dropped",
            added_at=now,
        )
        for n, item in enumerate(items)
    )


def make_active(product: Product, user: User) -> Sprint:
    """The running sprint after the history: items across the board, a week of scope events."""
    last = Sprint.objects.filter(product=product).order_by("-end_date").first()
    first = last.end_date + datetime.timedelta(days=1)
    sprint = Sprint.objects.create(
        product=product,
        name="Current sprint",
        status=Sprint.Status.ACTIVE,
        start_date=first,
        end_date=first + datetime.timedelta(days=13),
        capacity_points=Decimal(300),
        started_at=timezone.now(),
    )
    start_number = BacklogItem.objects.filter(product=product).count()
    items = BacklogItem.objects.bulk_create(
        BacklogItem(
            product=product,
            number=start_number + n + 1,
            rank=-(start_number + n + 1) * 1024,
            title=f"Current {n}",
            status=STATUSES[n % len(STATUSES)],
            story_points=Decimal(1 + n % 5),
            assignee=user,
        )
        for n in range(ACTIVE_ITEMS)
    )
    started = timezone.make_aware(datetime.datetime.combine(first, datetime.time(9)))
    entries = SprintItem.objects.bulk_create(
        SprintItem(sprint=sprint, item=item, points=item.story_points, committed=True, added_at=started)
        for item in items
    )
    ScopeEvent.objects.bulk_create(
        [
            ScopeEvent(sprint=sprint, sprint_item=e, kind="committed", points=e.points, happened_at=started)
            for e in entries
        ]
        + [
            ScopeEvent(
                sprint=sprint,
                sprint_item=e,
                kind="finished",
                points=e.points,
                happened_at=started + datetime.timedelta(days=n % 7),
            )
            for n, e in enumerate(entries)
            if e.item.status == "done"
        ]
    )
    return sprint


BOARD_SQL = (
    "SELECT si.id, si.points, i.id, i.number, i.title, i.status, i.version, i.story_points, u.username, p.title, "
    "EXISTS(SELECT 1 FROM backlog_blocker b WHERE b.item_id = i.id AND b.resolved_at IS NULL) "
    "FROM sprints_sprintitem si JOIN backlog_backlogitem i ON i.id = si.item_id "
    "LEFT JOIN accounts_user u ON u.id = i.assignee_id LEFT JOIN backlog_backlogitem p ON p.id = i.parent_id "
    "WHERE si.sprint_id = %s AND si.outcome = 'open' ORDER BY i.rank"
)
ACTIVE_BURNDOWN_SQL = (
    "SELECT s.start_date, s.end_date, e.kind, e.points, e.happened_at FROM sprints_sprint s "
    "LEFT JOIN sprints_scopeevent e ON e.sprint_id = s.id WHERE s.id = %s ORDER BY e.happened_at"
)
CLOSED_BURNDOWN_SQL = "SELECT id, burndown FROM sprints_sprint WHERE id = %s"
VELOCITY_SQL = (
    "SELECT id, name, committed_points, completed_points FROM sprints_sprint WHERE product_id = %s "
    "AND status = 'closed' ORDER BY end_date DESC LIMIT {last}"
)
LIST_SQL = (
    "SELECT s.id, s.name, s.status, s.start_date, s.end_date, COUNT(i.id) FROM sprints_sprint s "
    "LEFT JOIN sprints_sprintitem i ON i.sprint_id = s.id WHERE s.product_id = %s "
    "GROUP BY s.id ORDER BY s.start_date DESC LIMIT 50"
)


def run() -> None:
    user, _ = User.objects.get_or_create(username="bench")
    product, created = Product.objects.get_or_create(slug="bench-sprints", defaults={"name": "Bench sprints"})
    if created:
        Membership.objects.create(user=user, product=product, role=Role.SCRUM_MASTER)
    client = client_for(user)
    print_header("sprints")
    for size in (20, 200):
        Sprint.objects.filter(product=product, status=Sprint.Status.ACTIVE).delete()
        make_history(product, user, size - Sprint.objects.filter(product=product).count())
        active = make_active(product, user)
        closed = Sprint.objects.filter(product=product, status=Sprint.Status.CLOSED).order_by("-end_date").first()
        items = BacklogItem.objects.filter(product=product).count()
        label = f"{size} closed sprints, {items} items"
        api = f"/api/v1/products/{product.slug}"
        page = f"/p/{product.slug}/sprints"
        board = f"{page}/{active.pk}/board/"
        print_row(f"board ({ACTIVE_ITEMS} cards), {label}", compare_get(client, board, BOARD_SQL, [active.pk]))
        print_row(f"board by assignee, {label}", compare_get(client, board + "?lanes=assignee", BOARD_SQL, [active.pk]))
        print_row(
            f"API burndown, active sprint, {label}",
            compare_get(client, f"{api}/sprints/{active.pk}/burndown/", ACTIVE_BURNDOWN_SQL, [active.pk]),
        )
        print_row(
            f"API burndown, closed sprint, {label}",
            compare_get(client, f"{api}/sprints/{closed.pk}/burndown/", CLOSED_BURNDOWN_SQL, [closed.pk]),
        )
        print_row(
            f"API velocity (last 6), {label}",
            compare_get(client, f"{api}/velocity/", VELOCITY_SQL.format(last=6), [product.pk]),
        )
        print_row(
            f"API velocity (last 50), {label}",
            compare_get(client, f"{api}/velocity/?last=50", VELOCITY_SQL.format(last=50), [product.pk]),
        )
        print_row(
            f"API sprint list (first page), {label}", compare_get(client, f"{api}/sprints/", LIST_SQL, [product.pk])
        )
        print_row(f"sprint list page (50 per page), {label}", compare_get(client, f"{page}/", LIST_SQL, [product.pk]))
        print_row(f"sprint page (active), {label}", compare_get(client, f"{page}/{active.pk}/", BOARD_SQL, [active.pk]))
