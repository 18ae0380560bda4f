"""Demo backlogs for `make run`: epics with their stories, experiments and data
requests, labels, point and range estimates, acceptance criteria, a data
access blocker and some items ready for the next sprint. Created through the
services, so history and numbering are real. A product whose demo backlog
exists (its first epic is there) is left alone, so seeding again changes
nothing, while items other apps' demo data added are no reason to skip."""

from apps.backlog import services
from apps.backlog.models import BacklogItem, Blocker, Label

LABELS = [("ml", "#3657c9"), ("data", "#067647"), ("infra", "#b54708"), ("ux", "#6941c6"), ("tech-debt", "#667085")]

# Where each status is reached from "new".
PATH = {
    "new": [],
    "ready": ["ready"],
    "in_progress": ["ready", "in_progress"],
    "in_review": ["ready", "in_progress", "in_review"],
    "done": ["ready", "in_progress", "in_review", "done"],
}

# Story points, or (optimistic, likely, pessimistic), or no estimate.
Estimate = int | tuple[int, int, int] | None
# (title, kind, status, estimate, labels, acceptance criteria, assignee)
Child = tuple[str, str, str, Estimate, list[str], list[str], str | None]

# By product slug: (epic title, or None for items outside an epic, [its items])
BACKLOGS: dict[str, list[tuple[str | None, list[Child]]]] = {
    "recommender": [
        (
            "Cold-start recommendations",
            [
                (
                    "Popularity baseline for new users",
                    "story",
                    "done",
                    3,
                    ["ml"],
                    ["Served for users with < 3 sessions"],
                    "tara",
                ),
                (
                    "Content-based embeddings from product text",
                    "experiment",
                    "in_progress",
                    (3, 5, 13),
                    ["ml"],
                    ["Offline recall@20 vs. popularity baseline reported"],
                    "tara",
                ),
                (
                    "A/B test cold-start model vs. baseline",
                    "experiment",
                    "ready",
                    5,
                    ["ml"],
                    ["CTR uplift with 95% interval", "Guardrail: revenue per session not down"],
                    "sam",
                ),
                ("Onboarding questionnaire signals", "spike", "new", (2, 3, 8), ["ux"], [], None),
                ("Privacy review of questionnaire data", "task", "new", None, ["data"], [], None),
            ],
        ),
        (
            "Session-based ranking model",
            [
                (
                    "Clickstream access for the modelling team",
                    "data_request",
                    "in_progress",
                    2,
                    ["data"],
                    ["Read access to events.clicks in the warehouse"],
                    "tara",
                ),
                (
                    "Sequence features from the last 20 events",
                    "story",
                    "ready",
                    5,
                    ["ml", "data"],
                    ["Feature parity between training and serving", "Documented in the feature store"],
                    None,
                ),
                ("Train GRU4Rec candidate model", "experiment", "new", (5, 8, 21), ["ml"], [], None),
                ("Backtest on last quarter's sessions", "task", "new", 3, ["ml"], ["NDCG@10 per segment"], None),
                ("Latency budget for online inference (p95 < 50 ms)", "spike", "new", (1, 2, 5), ["infra"], [], None),
                ("Shadow traffic for a week", "task", "new", 3, ["infra"], [], None),
            ],
        ),
        (
            "Recommendation quality monitoring",
            [
                (
                    "Daily drift report on input features",
                    "story",
                    "done",
                    5,
                    ["ml", "infra"],
                    ["PSI per feature", "Alert above 0.2"],
                    "sam",
                ),
                (
                    "Dashboard of CTR by placement",
                    "story",
                    "in_review",
                    3,
                    ["ux"],
                    ["Matches the finance numbers"],
                    "tara",
                ),
                (
                    "Alert routing to the on-call channel",
                    "task",
                    "ready",
                    1,
                    ["infra"],
                    ["Alert reaches on-call"],
                    None,
                ),
                ("Label noise audit of implicit feedback", "spike", "new", (2, 5, 13), ["data"], [], None),
            ],
        ),
        (
            None,
            [
                (
                    "Fix duplicate items in 'similar products' widget",
                    "bug",
                    "in_progress",
                    2,
                    ["ux"],
                    ["No item appears twice"],
                    "tara",
                ),
                ("Upgrade training images to Python 3.12", "task", "new", 2, ["tech-debt", "infra"], [], None),
                ("Explain recommendations to merchandisers", "story", "new", None, ["ux"], [], None),
                ("Holiday season demand spike playbook", "task", "new", (1, 3, 5), [], [], None),
                ("Remove legacy collaborative-filtering job", "task", "new", 1, ["tech-debt"], [], None),
                ("Multi-armed bandit for homepage slots", "experiment", "new", (5, 8, 20), ["ml"], [], None),
                ("Catalogue taxonomy mapping for new sellers", "data_request", "new", 3, ["data"], [], None),
                ("Feature importance report for the ranking model", "task", "new", 2, ["ml"], [], None),
                ("Re-train cadence: weekly vs. daily", "experiment", "new", (2, 3, 8), ["ml"], [], None),
                ("Flaky integration test in the scoring service", "bug", "new", 1, ["tech-debt"], [], None),
                ("Evaluate two-tower retrieval", "spike", "new", (3, 5, 13), ["ml"], [], None),
                (
                    "Gold set of 500 labelled sessions",
                    "data_request",
                    "ready",
                    5,
                    ["data"],
                    ["Two annotators per session", "Agreement (kappa) reported"],
                    None,
                ),
                ("Model card for the production recommender", "task", "new", 2, [], [], None),
                ("Cost per 1,000 recommendations dashboard", "story", "new", 3, ["infra", "ux"], [], None),
            ],  # fmt: skip
        ),
    ],
    "insights": [
        (
            "Trusted metrics layer",
            [
                (
                    "Define 'active analyst' in the semantic layer",
                    "story",
                    "done",
                    2,
                    ["data"],
                    ["Definition reviewed by finance"],
                    "tara",
                ),
                (
                    "Metric lineage graph for the top 20 KPIs",
                    "story",
                    "in_progress",
                    (3, 5, 8),
                    ["data", "ux"],
                    ["Every KPI links to its source tables"],
                    "tara",
                ),
                (
                    "Freshness SLA checks on core tables",
                    "story",
                    "ready",
                    3,
                    ["infra"],
                    ["Alert when older than 6 h"],
                    None,
                ),
                ("Access to HR headcount tables for attrition KPI", "data_request", "new", 2, ["data"], [], None),
                ("Deprecate duplicate revenue metrics", "task", "new", 2, ["tech-debt"], [], None),
            ],
        ),
        (
            "Fast dashboards",
            [
                (
                    "Profile the five slowest dashboards",
                    "spike",
                    "done",
                    2,
                    ["infra"],
                    ["Report with query plans"],
                    "sam",
                ),
                (
                    "Pre-aggregate daily sales cube",
                    "story",
                    "in_review",
                    5,
                    ["infra", "data"],
                    ["p95 load time < 2 s on the sales dashboard"],
                    "tara",
                ),
                (
                    "Query result cache with invalidation on load",
                    "story",
                    "ready",
                    (3, 5, 13),
                    ["infra"],
                    ["Cache hit rate reported", "No stale numbers after a load"],
                    None,
                ),
                ("Columnar storage for the events table", "experiment", "new", (5, 8, 21), ["infra"], [], None),
                ("Lazy-load charts below the fold", "task", "new", 2, ["ux"], [], None),
            ],
        ),
        (
            "Self-service analytics onboarding",
            [
                ("Guided first query tutorial", "story", "new", 3, ["ux"], [], None),
                (
                    "Sample datasets with documentation",
                    "task",
                    "ready",
                    2,
                    ["data"],
                    ["Three datasets documented"],
                    None,
                ),
                ("Survey new analysts after two weeks", "task", "new", 1, ["ux"], [], None),
                ("SQL linting in the query editor", "experiment", "new", (2, 3, 8), ["ux"], [], None),
            ],
        ),
        (
            None,
            [
                (
                    "Timezone bug in weekly aggregation",
                    "bug",
                    "in_progress",
                    2,
                    ["data"],
                    ["Weeks start Monday UTC"],
                    "tara",
                ),
                ("Rotate warehouse service credentials", "task", "new", 1, ["infra"], [], None),
                ("Cost report per team", "story", "new", (2, 5, 13), ["data"], [], None),
                ("Retire the legacy cron ETL", "task", "new", 3, ["tech-debt"], [], None),
                ("Row-level security for regional managers", "story", "new", 5, ["data", "infra"], [], None),
                ("Anomaly detection on KPI time series", "experiment", "new", (3, 8, 20), ["ml"], [], None),
                (
                    "Broken links in the metrics catalogue",
                    "bug",
                    "ready",
                    1,
                    ["ux"],
                    ["No 404s in the catalogue"],
                    None,
                ),
                ("dbt test coverage above 80%", "task", "new", (3, 5, 8), ["tech-debt", "data"], [], None),
                ("Usage analytics for dashboards", "story", "new", 3, ["ux"], [], None),
                ("Evaluate a query engine for ad-hoc analysis", "spike", "new", (2, 5, 13), ["infra"], [], None),
                ("Marketing spend data from the agency", "data_request", "new", 2, ["data"], [], None),
                ("Quarterly happiness survey of analysts", "task", "done", 1, ["ux"], ["Report shared"], "sam"),
                ("PII tagging of warehouse columns", "story", "new", 5, ["data"], [], None),
                ("Incident runbook for late loads", "task", "new", 2, ["infra"], [], None),
                ("Forecast of warehouse storage growth", "experiment", "new", (1, 3, 8), ["ml", "infra"], [], None),
            ],
        ),
    ],
}

DATA_ACCESS_BLOCKERS = {
    "recommender": ("Privacy review of questionnaire data", "Waiting for the DPO's approval of the questionnaire"),
    "insights": ("Access to HR headcount tables for attrition KPI", "HR data access needs works-council approval"),
}


def seed(*, products, people) -> None:
    pm = people["pia"]
    for product in products:
        epics = BACKLOGS.get(product.slug)
        if epics is None or BacklogItem.objects.filter(product=product, title=epics[0][0]).exists():
            continue
        labels = {
            name: Label.objects.filter(product=product, name=name).first()
            or services.label_create(actor=pm, product=product, name=name, color=color)
            for name, color in LABELS
        }
        for epic_title, children in epics:
            epic = None
            if epic_title:
                epic = services.item_create(actor=pm, product=product, title=epic_title, kind=BacklogItem.Kind.EPIC)
            for title, kind, status, estimate, label_names, criteria, assignee in children:
                points, (optimistic, likely, pessimistic) = (
                    (None, estimate) if isinstance(estimate, tuple) else (estimate, (None, None, None))
                )
                item = services.item_create(
                    actor=pm,
                    product=product,
                    title=title,
                    kind=kind,
                    parent=epic,
                    labels=[labels[name] for name in label_names],
                    acceptance_criteria=criteria,
                    assignee=people[assignee] if assignee else None,
                    description=f"Part of the {product.name} backlog. Raised by {pm.first_name} in grooming.",
                    story_points=points,
                    estimate_optimistic=optimistic,
                    estimate_likely=likely,
                    estimate_pessimistic=pessimistic,
                )
                for step in PATH[status]:
                    item = services.item_set_status(actor=people[assignee] if assignee else pm, item=item, status=step)
        title, reason = DATA_ACCESS_BLOCKERS[product.slug]
        blocked = BacklogItem.objects.get(product=product, title=title)
        services.blocker_add(actor=people["tara"], item=blocked, reason=reason, kind=Blocker.Kind.DATA_ACCESS)
