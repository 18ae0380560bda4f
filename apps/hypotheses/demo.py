"""Demo data of this app for `make run`, on top of the products, backlogs,
requests and sprints the other demos made:

- planning assumptions on the running staged sprint of the Insights Platform
  (one held, one wrong with its follow-ups planned into the modelling stage,
  one not checked yet);
- four months of daily readings for every outcome metric (the last weeks
  pushed by a pipeline's token), so the metric pages have a chart;
- hypotheses of both products: one invalidated by an offline evaluation in the
  last closed sprint and published to stakeholders, one under test with its
  test items, a running A/B test, an assumption and a feasibility assessment,
  one validated but not yet published, one only proposed;
- the Recommender's release gate checklist and a model version on an item of
  the running sprint with three of five gates passed, so its card cannot be
  marked done yet.

Everything goes through the services. A product that already has hypotheses
(or assumptions, for the sprint's) is left alone."""

import datetime
import math
import random
from decimal import Decimal

from django.utils import timezone

from apps.accounts import services as accounts
from apps.backlog.models import BacklogItem
from apps.backlog.services import item_set_status
from apps.hypotheses import services
from apps.hypotheses.models import Assumption, Experiment, Hypothesis
from apps.products import services as products
from apps.products.models import MetricReading, OutcomeMetric
from apps.requests.models import StakeholderRequest
from apps.sprints.demo import on_day
from apps.sprints.models import Sprint
from apps.sprints.selectors import open_sprints, stages_of

READING_DAYS = 120
PIPELINE_DAYS = 30


def seed(*, products, people) -> None:
    lead, member, pm = people["sam"], people["tara"], people["pia"]
    for product in products:
        staged = [s for s in open_sprints(product) if s.is_staged and s.status == Sprint.Status.ACTIVE]
        if staged and not Assumption.objects.filter(product=product, sprint__isnull=False).exists():
            _assumptions_of(staged[0], lead=lead, member=member)
        if not MetricReading.objects.filter(metric__product=product).exists():
            _readings_of(product, pm=pm, member=member)
        if not Hypothesis.objects.filter(product=product).exists():
            {"recommender": _recommender, "insights": _insights}.get(product.slug, lambda *a, **k: None)(
                product, pm=pm, member=member, lead=lead
            )


# --- assumptions on the staged sprint --------------------------------------------------


def _assumptions_of(sprint: Sprint, *, lead, member) -> None:
    held = services.assumption_record(
        actor=member,
        sprint=sprint,
        text="Analysts get read access to the query logs within a week",
        category="access_approval",
    )
    services.assumption_mark_held(actor=member, assumption=held, note="Access granted on day 3.")
    wrong = services.assumption_record(
        actor=member, sprint=sprint, text="The warehouse keeps two years of query logs", category="data_availability"
    )
    with on_day(sprint, day=6):
        services.assumption_mark_wrong(
            actor=lead,
            assumption=wrong,
            note="Only nine months are kept online; the rest is in cold storage.",
            follow_ups=[
                {"title": "Restore archived query logs", "kind": "data_request", "story_points": 3},
                {"title": "Document the nine-month retention gap", "kind": "task", "story_points": 1},
            ],
            place=services.INTO_SPRINT,
            stage=stages_of(sprint)[1],
        )
    services.assumption_record(
        actor=member, sprint=sprint, text="Three queries cause most of the slow loads", category="effort"
    )


# --- metric readings ---------------------------------------------------------------------


def _readings_of(product, *, pm, member) -> None:
    """Daily values drifting from the baseline towards (not quite to) the target,
    with a weekly rhythm and noise; the last month pushed by the nightly job."""
    token, _ = accounts.api_token_create(
        actor=pm, name="nightly metrics job", lifetime_days=365, product_id=product.pk, actions=["record_readings"]
    )  # its secret is not kept: the demo only shows who pushed what
    today = timezone.localdate()
    rng = random.Random(product.slug)  # noqa: S311 -- demo figures, not secrets
    for metric in OutcomeMetric.objects.filter(product=product).order_by("name"):
        if metric.baseline is None or metric.target is None:
            continue
        baseline, target = float(metric.baseline), float(metric.target)
        series = []
        for back in range(READING_DAYS, 0, -1):
            progress = (READING_DAYS - back) / READING_DAYS * 0.45
            weekly = math.sin(back / 7 * 2 * math.pi) * 0.03 * abs(target - baseline)
            noise = rng.gauss(0, 0.04) * abs(target - baseline)
            value = baseline + (target - baseline) * progress + weekly + noise
            series.append((today - datetime.timedelta(days=back), Decimal(f"{value:.4f}")))
        by_hand, pushed = series[:-PIPELINE_DAYS], series[-PIPELINE_DAYS:]
        products.readings_record(actor=member, metric=metric, readings=by_hand)
        products.readings_record(actor=pm, metric=metric, readings=pushed, token=token)


# --- hypotheses -----------------------------------------------------------------------------


def _metric(product, name: str) -> OutcomeMetric:
    return OutcomeMetric.objects.get(product=product, name=name)


def _testing(pm, product, **fields) -> Hypothesis:
    hypothesis = services.hypothesis_create(actor=pm, product=product, **fields)
    return services.hypothesis_set_status(actor=pm, hypothesis=hypothesis, status="testing")


def _recommender(product, *, pm, member, lead) -> None:
    ctr = _metric(product, "Click-through rate")
    revenue = _metric(product, "Revenue per session")
    today = timezone.localdate()
    closed = Sprint.objects.filter(product=product, status=Sprint.Status.CLOSED).order_by("-end_date").first()
    running = Sprint.objects.filter(product=product, status=Sprint.Status.ACTIVE).first()

    recency = _testing(
        pm,
        product,
        change="ranking recommendations by the shopper's most recent views",
        audience="returning shoppers",
        outcome="more clicks on the recommendation carousel",
        metric=ctr,
        baseline=ctr.baseline,
        target=ctr.target,
        target_date=today - datetime.timedelta(days=10),
        owner=member,
        confidence_before=60,
        evidence="Session logs show that [70 % of clicks](https://example.com/analysis) follow a recent view.",
        notes="The vendor's ranker licence runs out in Q3; keep that in mind before promising anything.",
    )
    services.hypothesis_create_test_items(
        actor=pm, hypothesis=recency, items=[{"title": "Offline evaluation of recency ranking", "story_points": 3}]
    )
    requests = StakeholderRequest.objects.filter(product=product).order_by("number")[:1]
    services.hypothesis_link_requests(actor=pm, hypothesis=recency, requests=requests)
    evaluation = services.experiment_create(
        actor=member,
        hypothesis=recency,
        title="Offline evaluation on the last month of logs",
        method=Experiment.Method.OFFLINE_EVALUATION,
        design_notes="Replay of 30 days of sessions; click-through estimated by inverse propensity scoring.",
        started_on=closed.start_date if closed else today - datetime.timedelta(days=20),
        sprint=closed,
    )
    services.experiment_record_result(
        actor=member,
        experiment=evaluation,
        observed_value=Decimal("2.3500"),
        interval_low=Decimal("2.2000"),
        interval_high=Decimal("2.5000"),
        interval_level=95,
        conclusion="Recency on its own lifts the estimated click-through rate only slightly; far from the target.",
        tell_requesters="We tested ranking by recent views: it does not help on its own. Next we try diversity.",
    )
    recency = services.hypothesis_set_status(
        actor=pm,
        hypothesis=Hypothesis.objects.get(pk=recency.pk),
        status="invalidated",
        learning="Recent views alone do not move clicks: shoppers have already seen those items.",
        next_step="Test a more diverse carousel (H-2).",
        confidence_after=15,
    )
    services.hypothesis_publish(actor=pm, hypothesis=recency)

    complements = _testing(
        pm,
        product,
        change="showing complementary items on the basket page",
        audience="shoppers with an item in the basket",
        outcome="larger baskets",
        metric=revenue,
        baseline=revenue.baseline,
        target=revenue.target,
        target_date=today + datetime.timedelta(days=45),
        owner=member,
        confidence_before=55,
    )
    items = services.hypothesis_create_test_items(
        actor=pm,
        hypothesis=complements,
        items=[
            {"title": "Complementary-items model, offline evaluation", "story_points": 5},
            {"title": "A/B test complementary items on the basket page", "story_points": 3},
        ],
    )
    services.experiment_create(
        actor=member,
        hypothesis=complements,
        title="A/B test on the basket page",
        method=Experiment.Method.AB_TEST,
        design_notes="50/50 split by shopper, two weeks, revenue per session as the primary metric.",
        started_on=today - datetime.timedelta(days=3),
        sprint=running,
        status=Experiment.Status.RUNNING,
    )
    services.assumption_record(
        actor=member,
        hypothesis=complements,
        text="Product categories are tagged well enough to find complements",
        category="data_quality",
    )
    services.feasibility_create(
        actor=member,
        product=product,
        hypothesis=complements,
        data_availability="available",
        data_quality="fair",
        data_notes="Co-purchase pairs from two years of orders; categories need a cleanup for 8 % of items.",
        expected_value="+4 % revenue per session would pay the team back in a quarter.",
        effort_low=Decimal("3"),
        effort_high=Decimal("6"),
    )
    services.hypothesis_create(
        actor=pm,
        product=product,
        change="a weekly personalised e-mail digest",
        audience="shoppers who have not visited for a month",
        outcome="more of them coming back",
        metric_text="Share of lapsed shoppers returning within 30 days",
        unit="%",
        baseline=Decimal("4"),
        target=Decimal("6"),
        confidence_before=35,
    )
    _release(product, pm=pm, member=member, items=items)


def _release(product, *, pm, member, items) -> None:
    """A model version on an item of the running sprint: three gates passed, two open."""
    running = Sprint.objects.filter(product=product, status=Sprint.Status.ACTIVE).first()
    in_sprint = (
        BacklogItem.objects.filter(product=product, sprint_entries__sprint=running, title__icontains="ranker")
        .exclude(status=BacklogItem.Status.DONE)
        .first()
    )
    item = in_sprint or items[0]
    if item.status == BacklogItem.Status.READY:
        item = item_set_status(actor=member, item=item, status=BacklogItem.Status.IN_PROGRESS)
    model_version = services.model_version_register(
        actor=member,
        item=item,
        name="ranker 2.0.0",
        notes="Gradient-boosted ranker with recency and co-purchase features.",
        artifact_url="https://models.example.com/ranker/2.0.0",
    )
    gates = list(services.active_gates(product))
    for gate, evidence in zip(
        gates[:3],
        [
            "nDCG@10 0.412 on Jan–Mar (baseline 0.398)",
            "https://example.com/benchmarks/recsys-2026",
            "F1 0.81 on 2,000 labelled slates",
        ],
        strict=False,
    ):
        services.gate_result_record(
            actor=member, model_version=model_version, gate=gate, result="pass", evidence=evidence
        )


def _insights(product, *, pm, member, lead) -> None:
    load = _metric(product, "Dashboard load time p95")
    cache = _testing(
        pm,
        product,
        change="caching the 20 most used dashboards every morning",
        audience="analysts opening dashboards on Monday mornings",
        outcome="dashboards that open without waiting",
        metric=load,
        baseline=load.baseline,
        target=Decimal("3"),
        target_date=timezone.localdate() + datetime.timedelta(days=20),
        owner=member,
        confidence_before=70,
    )
    assumption = services.assumption_record(
        actor=member, hypothesis=cache, text="The top 20 dashboards cover most Monday traffic", category="effort"
    )
    services.assumption_mark_wrong(
        actor=lead,
        assumption=assumption,
        note="They cover 55 % of the traffic; the next 30 dashboards matter too.",
        follow_ups=[{"title": "Extend the cache warm-up to the top 50 dashboards", "kind": "task", "story_points": 2}],
    )
    backtest = services.experiment_create(
        actor=member, hypothesis=cache, title="Backtest on the last eight Mondays", method=Experiment.Method.BACKTEST
    )
    services.experiment_record_result(
        actor=member,
        experiment=backtest,
        observed_value=Decimal("2.6"),
        conclusion="With the cache warm, the p95 load time of those Mondays would have been 2.6 s.",
    )
    services.hypothesis_set_status(
        actor=pm,
        hypothesis=Hypothesis.objects.get(pk=cache.pk),
        status="validated",
        learning="Warming the cache cuts Monday load times below the target.",
        next_step="Roll out the warm-up job; measure for a month.",
        confidence_after=85,
    )
