"""Demo roadmaps for `make run`: per product, Now / Next / Later items linked
to the demo backlog's epics (two shared with stakeholders, one internal), the
accepted demo request on the roadmap, two milestones, forecasts computed
from the demo sprints' history, and a few items betting on the demo
hypotheses (one published, so stakeholders see it; the others not).
Everything goes through the services; a product that already has a roadmap
is left alone, except that its hypotheses get linked if none are yet."""

import datetime

from django.utils import timezone

from apps.backlog.models import BacklogItem
from apps.hypotheses.models import Hypothesis
from apps.requests.models import StakeholderRequest
from apps.roadmap import forecasting, services
from apps.roadmap.models import Horizon, RoadmapItem
from apps.sprints.models import Sprint

# By product slug: (title, epic title, horizon, shared, public description, internal notes, weeks to target or None)
ROADMAPS: dict[str, list[tuple[str, str, str, bool, str, str, int | None]]] = {
    "recommender": [
        (
            "Good recommendations from the first visit",
            "Cold-start recommendations",
            Horizon.NOW,
            True,
            "New visitors see relevant products on their **first** visit instead of a generic bestseller list.",
            "Depends on the privacy review of the questionnaire data.",
            10,
        ),
        (
            "Rankings that follow the session",
            "Session-based ranking model",
            Horizon.NEXT,
            True,
            "Recommendations react to what you looked at a minute ago.",
            "Clickstream access is still the risk; shadow traffic before any A/B test.",
            None,
        ),
        (
            "Quality alarms before customers notice",
            "Recommendation quality monitoring",
            Horizon.LATER,
            False,
            "",
            "Internal for now: we have not agreed the alert thresholds with the merchandisers.",
            None,
        ),
    ],
    "insights": [
        (
            "Numbers everyone trusts",
            "Trusted metrics layer",
            Horizon.NOW,
            True,
            "One certified definition per metric, used by every dashboard.",
            "Finance still owns two competing revenue definitions.",
            8,
        ),
        (
            "Dashboards in under two seconds",
            "Fast dashboards",
            Horizon.NEXT,
            True,
            "The ten most used dashboards load in under two seconds.",
            "Needs the warehouse cost budget approved.",
            None,
        ),
        (
            "Analysts onboard themselves",
            "Self-service analytics onboarding",
            Horizon.LATER,
            False,
            "",
            "Only after the metrics layer is certified.",
            None,
        ),
    ],
}


# By product slug: roadmap item title → words of the `change` of the hypotheses it bets on (apps.hypotheses.demo).
BETS: dict[str, dict[str, list[str]]] = {
    "recommender": {
        "Rankings that follow the session": ["most recent views", "complementary items"],
        "Good recommendations from the first visit": ["complementary items"],
    },
    "insights": {"Dashboards in under two seconds": ["caching the 20 most used dashboards"]},
}


def seed(*, products, people) -> None:
    pia = people["pia"]
    today = timezone.localdate()
    for product in products:
        _seed_roadmap(product, pia=pia, today=today)
        _link_bets(product, pia=pia)


def _link_bets(product, *, pia) -> None:
    if RoadmapItem.hypotheses.through.objects.filter(roadmapitem__product=product).exists():
        return
    for title, changes in BETS.get(product.slug, {}).items():
        item = RoadmapItem.objects.filter(product=product, title=title).first()
        bets = [h for words in changes for h in Hypothesis.objects.filter(product=product, change__contains=words)]
        if item is not None and bets:
            services.item_update(actor=pia, item=item, expected_version=item.version, hypotheses=bets)


def _seed_roadmap(product, *, pia, today) -> None:
    specs = ROADMAPS.get(product.slug)
    if specs is None or RoadmapItem.objects.filter(product=product).exists():
        return
    made = []
    for title, epic_title, horizon, shared, public, notes, weeks in specs:
        epic = BacklogItem.objects.filter(product=product, title=epic_title, kind=BacklogItem.Kind.EPIC).first()
        made.append(
            services.item_create(
                actor=pia,
                product=product,
                title=title,
                horizon=horizon,
                status=RoadmapItem.Status.IN_PROGRESS if horizon == Horizon.NOW else RoadmapItem.Status.PLANNED,
                shared=shared,
                public_description=public,
                internal_notes=notes,
                outcome=public,
                start_date=today - datetime.timedelta(weeks=2) if horizon == Horizon.NOW else None,
                target_date=today + datetime.timedelta(weeks=weeks) if weeks else None,
                target_quarter="" if weeks or horizon == Horizon.LATER else _next_quarter(today),
                epics=[epic] if epic else [],
            )
        )
    accepted = StakeholderRequest.objects.filter(product=product, status=StakeholderRequest.Status.ACCEPTED)
    for stakeholder_request in accepted:
        services.request_attach(actor=pia, stakeholder_request=stakeholder_request, item=made[0])
    current = Sprint.objects.filter(product=product).exclude(status=Sprint.Status.CLOSED).first()
    services.milestone_create(
        actor=pia,
        product=product,
        title=f"First results of “{made[0].title}”",
        date=today + datetime.timedelta(weeks=4),
        roadmap_item=made[0],
        shared=True,
    )
    services.milestone_create(
        actor=pia,
        product=product,
        title="Go / no-go review",
        date=current.end_date if current else today + datetime.timedelta(weeks=2),
        sprint=current,
        description="Internal checkpoint at the end of the running sprint.",
    )
    forecasting.recompute(product_id=product.pk, today=today)


def _next_quarter(today: datetime.date) -> str:
    quarter = (today.month - 1) // 3 + 2
    return f"{today.year + (quarter > 4)}-Q{(quarter - 1) % 4 + 1}"
