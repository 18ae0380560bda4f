"""Delivery reports at scale: a product with three years of history (150
sprints, 30,000 items each with its history rows, 5,000 stakeholder requests,
blockers and roadmap items).

Prints the time and peak Python memory of building a month's report, a
sprint's report and a year's report (targets: under 2 s and 200 MB), and the
server time and query count of the PM dashboard at a tenth of the size and at
full size (target: under 100 ms, the same number of queries)."""

import datetime
import statistics
import time
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.backlog.models import BacklogItem, Blocker
from apps.delivery import services
from apps.delivery.models import DeliveryReport, Period
from apps.products.models import Product
from apps.requests.models import StakeholderRequest
from apps.roadmap.models import RoadmapItem
from apps.sprints.models import Sprint, SprintItem
from bench.harness import client_for, measure_get, peak_memory_mb, print_header, print_row

History = BacklogItem.history.model
ITEMS_PER_SPRINT = 200
REQUESTS_PER_SPRINT = 33
SPRINT_DAYS = 7
KINDS = ["story", "story", "task", "bug", "experiment", "data_request", "spike"]


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_history(product: Product, user: User, sprints: int, first_monday: datetime.date) -> None:
    """Closed one-week sprints of ITEMS_PER_SPRINT items, each item with three history rows
    (created, started, finished; one in twelve reopened and finished again), blockers and requests."""
    start_number = BacklogItem.objects.filter(product=product).count()
    start_sprint = Sprint.objects.filter(product=product).count()
    closed, items, history, blockers, requests = [], [], [], [], []
    for s in range(sprints):
        first = first_monday + datetime.timedelta(days=SPRINT_DAYS * (start_sprint + s))
        last = first + datetime.timedelta(days=SPRINT_DAYS - 1)
        closed.append(
            Sprint(
                product=product,
                name=f"Sprint {start_sprint + s + 1}",
                status=Sprint.Status.CLOSED,
                start_date=first,
                end_date=last,
                started_at=at(first, 9),
                closed_at=at(last, 17),
                committed_points=Decimal(0),
                completed_points=Decimal(0),
                completed_committed_points=Decimal(0),
            )
        )
    Sprint.objects.bulk_create(closed)
    number = start_number
    for sprint in closed:
        for n in range(ITEMS_PER_SPRINT):
            number += 1
            started = at(sprint.start_date + datetime.timedelta(days=n % 3), 11)
            done = started + datetime.timedelta(days=1 + n % 5, hours=n % 7)
            dropped = n % 25 == 0
            items.append(
                BacklogItem(
                    product=product,
                    number=number,
                    rank=number * 1024,
                    title=f"Item {number}",
                    kind=KINDS[n % len(KINDS)],
                    status="dropped" if dropped else "done",
                    story_points=Decimal(1 + n % 8),
                    done_at=None if dropped else done,
                )
            )
    BacklogItem.objects.bulk_create(items, batch_size=2000)
    # bulk_create stamps auto_now_add with now: the creation times are written afterwards.
    entries = []
    for s, sprint in enumerate(closed):
        chunk = items[s * ITEMS_PER_SPRINT : (s + 1) * ITEMS_PER_SPRINT]
        for n, item in enumerate(chunk):
            created = at(sprint.start_date - datetime.timedelta(days=3 + n % 20))
            started = at(sprint.start_date + datetime.timedelta(days=n % 3), 11)
            item.created_at = created
            rows = [(created, "ready", item.story_points), (started, "in_progress", item.story_points)]
            if n % 17 == 0:  # re-estimated after the commit
                rows.append((started + datetime.timedelta(hours=2), "in_progress", item.story_points + 2))
            if item.status == "done":
                rows.append((item.done_at, "done", rows[-1][2]))
                if n % 12 == 0:  # reopened and finished again
                    rows.append((item.done_at + datetime.timedelta(hours=1), "in_progress", rows[-1][2]))
                    rows.append((item.done_at + datetime.timedelta(hours=3), "done", rows[-1][2]))
            else:
                rows.append((started + datetime.timedelta(days=1), "dropped", item.story_points))
            history.extend(
                History(
                    id=item.pk,
                    product_id=product.pk,
                    number=item.number,
                    kind=item.kind,
                    title=item.title,
                    status=status,
                    story_points=points,
                    created_at=created,
                    done_at=item.done_at if status == "done" else None,
                    version=1,
                    history_date=moment,
                    history_type="~",
                )
                for moment, status, points in rows
            )
            entries.append(
                SprintItem(
                    sprint=sprint,
                    item=item,
                    points=item.story_points,
                    committed=n % 10 != 0,
                    outcome=(
                        "finished" if item.status == "done" and n % 9 else "carried_over" if n % 9 == 0 else "dropped"
                    ),
                    added_at=at(sprint.start_date, 9),
                    finding="Answered" if item.kind == "experiment" and n % 2 else "",
                )
            )
            if n % 20 == 0:
                since = started + datetime.timedelta(hours=1)
                blockers.append(
                    Blocker(
                        item=item,
                        kind="data_access" if n % 40 == 0 else "dependency",
                        reason="Waiting",
                        since=since,
                        resolved_at=None if n % 200 == 0 else since + datetime.timedelta(days=1 + n % 9),
                    )
                )
        for r in range(REQUESTS_PER_SPRINT):
            created = at(sprint.start_date + datetime.timedelta(days=r % SPRINT_DAYS))
            decided = r % 4 != 0
            requests.append(
                StakeholderRequest(
                    product=product,
                    number=StakeholderRequest.objects.filter(product=product).count() + len(requests) + 1,
                    requester=user,
                    title=f"Request {s}-{r}",
                    problem="p",
                    desired_outcome="o",
                    status="accepted" if decided else "new",
                    first_response_at=created + datetime.timedelta(days=1),
                    decided_at=created + datetime.timedelta(days=2 + r % 6) if decided else None,
                    delivered_at=created + datetime.timedelta(days=20) if r % 5 == 0 else None,
                )
            )
    History.objects.bulk_create(history, batch_size=5000)
    SprintItem.objects.bulk_create(entries, batch_size=5000)
    Blocker.objects.bulk_create(blockers, batch_size=5000)
    made = StakeholderRequest.objects.bulk_create(requests, batch_size=2000)
    for request, original in zip(made, requests, strict=True):
        request.created_at = original.first_response_at - datetime.timedelta(days=1)
    StakeholderRequest.objects.bulk_update(made, ["created_at"], batch_size=2000)
    BacklogItem.objects.bulk_update(items, ["created_at"], batch_size=2000)


def make_roadmap(product: Product) -> None:
    RoadmapItem.objects.bulk_create(
        RoadmapItem(product=product, title=f"Outcome {n}", horizon=["now", "next", "later"][n % 3], rank=n * 1024)
        for n in range(30)
    )


def timed(action, repeat: int = 3) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def run() -> None:
    user = User.objects.create_user("bench", password="x", email="bench@example.com")
    product = Product.objects.create(name="Bench", slug="bench")
    Membership.objects.create(user=user, product=product, role=Role.PRODUCT_MANAGER)
    client = client_for(user)
    make_roadmap(product)
    print_header("delivery")
    today = timezone.localdate()
    first_monday = today - datetime.timedelta(days=today.weekday() + SPRINT_DAYS * 151)
    for size in (15, 150):
        make_history(product, user, size - Sprint.objects.filter(product=product).count(), first_monday)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum keeps them in production
                cursor.execute("ANALYZE")
        items = BacklogItem.objects.filter(product=product).count()
        label = f"{size} sprints, {items} items, {StakeholderRequest.objects.filter(product=product).count()} requests"
        print(f"  ({History.objects.filter(product_id=product.pk).count()} history rows)")
        print_row(f"PM dashboard, {label}", measure_get(client, f"/p/{product.slug}/delivery/dashboard/"))
    last_sprint = Sprint.objects.filter(product=product).order_by("-end_date").first()
    month = last_sprint.end_date.replace(day=1)
    end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)

    def month_report():
        DeliveryReport.objects.filter(product=product).delete()
        services.report_build(product=product, period=Period.MONTH, start=month, end=end)

    def sprint_report():
        DeliveryReport.objects.filter(product=product).delete()
        services.sprint_report_build(sprint=last_sprint)

    def year_report():
        DeliveryReport.objects.filter(product=product).delete()
        services.report_build(product=product, period=Period.MONTH, start=end - datetime.timedelta(days=364), end=end)

    for name, action in (("month", month_report), ("sprint", sprint_report), ("a whole year", year_report)):
        median, best = timed(action)
        memory = peak_memory_mb(action)
        print(f"  report build: {name:<44} {median:8.1f} ms (best {best:.1f})  peak {memory:.1f} MiB")
    report = DeliveryReport.objects.get(product=product)
    print_row("report page (the year)", measure_get(client, f"/p/{product.slug}/delivery/reports/{report.pk}/"))
    print_row(
        "report PDF (the year)",
        measure_get(client, f"/p/{product.slug}/delivery/reports/{report.pk}/report.pdf", repeat=3),
    )
