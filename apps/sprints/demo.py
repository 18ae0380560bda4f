"""Demo sprints for `make run`: three closed two-week sprints per product (so
velocity and frozen burndowns show), a running standard sprint on the
Recommender and a running four-week staged sprint on the Insights Platform
(apps.hypotheses.demo records its assumptions). Everything goes through the
services; the demo replays past sprints today, so their events are then moved
back to the days they stand for (`on_day`). A product that already has sprints
is left alone."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.backlog import workflow
from apps.backlog.models import BacklogItem
from apps.backlog.services import item_create, item_set_status
from apps.sprints import services
from apps.sprints.models import ExitCriterion, ScopeEvent, Sprint, SprintItem
from apps.sprints.selectors import planning_backlog

# Per product: work done in the past sprints, (title, points, finished on day n or None).
HISTORY = {
    "recommender": [
        [("Nightly retraining job", 5, 3), ("Offline evaluation notebook", 3, 6), ("Item metadata cleanup", 2, 8)],
        [
            ("Feature parity checks", 3, 2),
            ("Shadow deployment of v2 ranker", 8, None),
            ("Logging of served slates", 2, 9),
        ],
        [
            ("Latency budget for ranking API", 3, 4),
            ("Diversity re-ranker prototype", 5, 10),
            ("Stale-item filter", 2, 7),
        ],
    ],
    "insights": [
        [
            ("Metric definitions glossary", 3, 4),
            ("Freshness checks on orders table", 5, 9),
            ("Warehouse cost report", 2, 5),
        ],
        [
            ("Self-serve onboarding guide", 3, 3),
            ("Row-level security for finance", 8, None),
            ("Query log export", 2, 8),
        ],
        [("Dashboard usage tracking", 3, 6), ("Slow-query alerting", 5, 11), ("Certified dataset badge", 2, 9)],
    ],
}
# Added mid-sprint in the second past sprint of each product.
ADDED_LATE = ("Hotfix: broken nightly export", 2, 5)


def seed(*, products, people) -> None:
    today = timezone.localdate()
    current_start = today - datetime.timedelta(days=today.weekday() + 7)  # Monday a week ago
    lead = people["sam"]
    for product in products:
        if product.slug not in HISTORY or Sprint.objects.filter(product=product).exists():
            continue
        staged = product.slug != "recommender"
        current = _plan_current(product, lead, current_start, staged=staged)
        _history(product, people, HISTORY[product.slug], current)
        if staged:
            _run_staged_sprint(current, people, lead)
        else:
            _run_standard_sprint(current, people)


def _plan_current(product, lead, start: datetime.date, *, staged: bool) -> Sprint:
    if staged:
        return services.sprint_create(
            actor=lead,
            product=product,
            name="Dashboard trust (4 weeks)",
            kind=Sprint.Kind.STAGED,
            start_date=start,
            end_date=start + datetime.timedelta(days=27),
            goal="Find out why analysts distrust the revenue dashboards, and fix the biggest cause.",
            capacity_points=Decimal(20),
        )
    return services.sprint_create(
        actor=lead,
        product=product,
        name="Sprint 4",
        start_date=start,
        end_date=start + datetime.timedelta(days=13),
        goal="Ship **session-based ranking** to 10% of traffic.",
    )


def _history(product, people, sprints, current: Sprint) -> None:
    """Closed sprints back to back before the current one; unfinished work is
    carried into the next one (the last carries into `current`)."""
    lead, pm = people["sam"], people["pia"]
    start = current.start_date - datetime.timedelta(days=14 * len(sprints))
    sprint = services.sprint_create(
        actor=lead,
        product=product,
        name="Sprint 1",
        start_date=start,
        end_date=start + datetime.timedelta(days=13),
        goal="Keep the lights on while the next model takes shape.",
        capacity_points=Decimal(10),
    )
    for number, work in enumerate(sprints):
        items = [(_ready_item(pm, product, title, points), finished) for title, points, finished in work]
        for item, _ in items:
            services.sprint_item_add(actor=lead, sprint=sprint, item=item)
        with on_day(sprint, day=0):
            sprint = services.sprint_start(actor=lead, sprint=sprint)
        if number == 1:
            title, points, day = ADDED_LATE
            late = _ready_item(pm, product, title, points)
            with on_day(sprint, day=day - 1):
                services.sprint_item_add(actor=lead, sprint=sprint, item=late)
            items.append((late, day))
        for item, finished in items:
            if finished is not None:
                with on_day(sprint, day=finished):
                    _finish(lead, item)
        unfinished = SprintItem.objects.filter(sprint=sprint, outcome=SprintItem.Outcome.OPEN).exclude(
            item__status=BacklogItem.Status.DONE
        )
        last = number == len(sprints) - 1
        with on_day(sprint, day=13, hour=16):
            sprint, next_sprint = services.sprint_close(
                actor=lead,
                sprint=sprint,
                decisions={entry.item_id: services.CARRY_OVER for entry in unfinished},
                next_sprint=current if last else None,
            )
        services.sprint_review_save(
            actor=lead, sprint=sprint, goal_met=number != 1, review_notes="Demoed to stakeholders on Friday."
        )
        if last:
            return
        sprint = next_sprint or services.sprint_create(
            actor=lead,
            product=product,
            name=f"Sprint {number + 2}",
            start_date=sprint.end_date + datetime.timedelta(days=1),
            end_date=sprint.end_date + datetime.timedelta(days=14),
            capacity_points=Decimal(10),
        )


def _run_standard_sprint(sprint: Sprint, people) -> None:
    lead, product = people["sam"], sprint.product
    services.sprint_set_capacity(
        actor=lead,
        sprint=sprint,
        capacities=[(people["tara"], Decimal(10), 0), (people["sam"], Decimal(8), 0), (people["pia"], Decimal(4), 2)],
    )
    for item in _open_items(product, 3):
        services.sprint_item_add(actor=lead, sprint=sprint, item=item)
    with on_day(sprint, day=0):
        sprint = services.sprint_start(actor=lead, sprint=sprint)
    first = SprintItem.objects.filter(sprint=sprint).select_related("item").order_by("item__rank").first()
    if first is not None:
        with on_day(sprint, day=3):
            _finish(lead, first.item)


def _run_staged_sprint(sprint: Sprint, people, lead) -> None:
    product = sprint.product
    stages = list(sprint.stages.all())
    for index, item in enumerate(_open_items(product, 5)):
        services.sprint_item_add(actor=lead, sprint=sprint, item=item, stage=stages[min(index // 2, 2)])
    with on_day(sprint, day=0):
        sprint = services.sprint_start(actor=lead, sprint=sprint)
    for entry in SprintItem.objects.filter(sprint=sprint, stage=stages[0]).select_related("item"):
        with on_day(sprint, day=4):
            _finish(lead, entry.item)
    for criterion in ExitCriterion.objects.filter(stage=stages[0]):
        services.exit_criterion_set(actor=people["tara"], criterion=criterion, met=True)
    services.stage_close(actor=lead, stage=stages[0])


# --- Helpers ------------------------------------------------------------------


class on_day:
    """Events recorded inside the block are moved back to `day` of the sprint."""

    def __init__(self, sprint: Sprint, *, day: int, hour: int = 10):
        self.sprint = sprint
        moment = datetime.datetime.combine(sprint.start_date + datetime.timedelta(days=day), datetime.time(hour))
        self.moment = timezone.make_aware(moment)

    def __enter__(self):
        self.since = timezone.now()

    def __exit__(self, *exc_info):
        if exc_info[0] is None:
            ScopeEvent.objects.filter(sprint=self.sprint, happened_at__gte=self.since).update(happened_at=self.moment)
            Sprint.objects.filter(pk=self.sprint.pk, started_at__gte=self.since).update(started_at=self.moment)
            Sprint.objects.filter(pk=self.sprint.pk, closed_at__gte=self.since).update(closed_at=self.moment)
            SprintItem.objects.filter(sprint=self.sprint, added_at__gte=self.since).update(added_at=self.moment)


def _ready_item(actor, product, title: str, points: int) -> BacklogItem:
    item = item_create(
        actor=actor,
        product=product,
        title=title,
        story_points=Decimal(points),
        acceptance_criteria=["Reviewed by the team"],
    )
    return item_set_status(actor=actor, item=item, status=BacklogItem.Status.READY)


def _finish(actor, item: BacklogItem) -> None:
    """Walk a ready or started item to done; items not ready yet stay as they are."""
    item.refresh_from_db()
    for status in (BacklogItem.Status.IN_PROGRESS, BacklogItem.Status.DONE):
        if workflow.can_move(item.status, status):
            item = item_set_status(actor=actor, item=item, status=status)


def _open_items(product, count: int) -> list[BacklogItem]:
    """The product's top open, estimated items that no sprint holds yet (from
    the backlog demo), those already being worked on first."""
    estimated = [item for item in planning_backlog(product, limit=50) if item.is_estimated]
    return sorted(estimated, key=lambda item: item.status == BacklogItem.Status.NEW)[:count]
