"""The PM dashboard of a product: live figures (not the stored snapshot), each
one aggregated by the database, in a number of queries that does not grow
with the product's history."""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import Floor
from django.utils import timezone

from apps.backlog.models import Blocker
from apps.delivery import figures
from apps.requests.models import StakeholderRequest
from apps.sprints import selectors as sprint_selectors
from apps.sprints.models import Sprint

FLOW_WEEKS = 12
SCATTER_DAYS = 90
SCATTER_POINTS = 400
FUNNEL_DAYS = 180
AGES = (
    (0, 2, "0–2 days"),
    (3, 7, "3–7 days"),
    (8, 14, "8–14 days"),
    (15, 30, "15–30 days"),
    (31, None, "over 30 days"),
)


def active_sprint(product) -> Sprint | None:
    return Sprint.objects.filter(product=product, status=Sprint.Status.ACTIVE).order_by("start_date", "pk").first()


def cycle_scatter(product, today: datetime.date) -> list[dict]:
    """Items finished in the last 90 days: when, and how many days from start to done."""
    window = figures.Window(today - datetime.timedelta(days=SCATTER_DAYS - 1), today)
    rows = (
        figures.finished_in(product, window)
        .annotate(started=figures.first_started())
        .filter(started__isnull=False)
        .annotate(days=Floor(figures.DaysBetween(F("done_at"), F("started"))))
        .order_by("-done_at")
        .values("number", "title", "kind", "done_at", "days")[:SCATTER_POINTS]
    )
    return [
        {
            "number": row["number"],
            "title": row["title"],
            "kind": row["kind"],
            "done": timezone.localdate(row["done_at"]).isoformat(),
            "days": max(int(row["days"]), 0),
        }
        for row in rows
    ]


def request_funnel(product, today: datetime.date) -> list[dict]:
    """Requests of the last 180 days: received, answered, decided, accepted, delivered."""
    since = figures.Window(today - datetime.timedelta(days=FUNNEL_DAYS - 1), today).start_at
    Status = StakeholderRequest.Status
    counts = StakeholderRequest.objects.filter(product=product, created_at__gte=since).aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(first_response_at__isnull=False)),
        decided=Count("pk", filter=Q(decided_at__isnull=False)),
        accepted=Count("pk", filter=Q(status__in=[Status.ACCEPTED, Status.DELIVERED])),
        delivered=Count("pk", filter=Q(status=Status.DELIVERED)),
    )
    labels = {
        "received": "Received",
        "answered": "Answered",
        "decided": "Decided",
        "accepted": "Accepted",
        "delivered": "Delivered",
    }
    return [{"stage": labels[key], "count": counts[key]} for key in labels]


def blocker_ages(product, now: datetime.datetime) -> list[dict]:
    """Open blockers by how long they have been open, data access apart from the rest."""
    aggregates = {}
    for n, (low, high, _) in enumerate(AGES):
        age = Q(since__lte=now - datetime.timedelta(days=low))
        if high is not None:
            age &= Q(since__gt=now - datetime.timedelta(days=high + 1))
        aggregates[f"data_{n}"] = Count("pk", filter=age & Q(kind=Blocker.Kind.DATA_ACCESS))
        aggregates[f"other_{n}"] = Count("pk", filter=age & ~Q(kind=Blocker.Kind.DATA_ACCESS))
    counts = Blocker.objects.filter(item__product=product, resolved_at__isnull=True).aggregate(**aggregates)
    return [
        {"age": label, "data_access": counts[f"data_{n}"], "other": counts[f"other_{n}"]}
        for n, (_, _, label) in enumerate(AGES)
    ]


def pm_dashboard(product, *, milestones, now: datetime.datetime | None = None) -> dict:
    """Everything the dashboard draws. `milestones` is the viewer's milestone list (roadmap.access)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sprint = active_sprint(product)
    flow_window = figures.Window(today - datetime.timedelta(weeks=FLOW_WEEKS) + datetime.timedelta(days=1), today)
    upcoming = list(
        milestones.filter(date__gte=today, reached_at__isnull=True).select_related("roadmap_item").order_by("date")[:8]
    )
    return {
        "sprint": sprint,
        "burndown": sprint_selectors.sprint_burndown(sprint) if sprint else None,
        "velocity": sprint_selectors.velocity(product, last=10),
        "cumulative_flow": figures.cumulative_flow(product, flow_window),
        "scatter": cycle_scatter(product, today),
        "funnel": request_funnel(product, today),
        "blocker_ages": blocker_ages(product, now),
        "milestones": [
            {
                "title": m.title,
                "date": m.date.isoformat(),
                "days": (m.date - today).days,
                "item": m.roadmap_item.title if m.roadmap_item else "",
            }
            for m in upcoming
        ],
    }
