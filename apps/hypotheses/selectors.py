"""Reads shared by the pages, the sections on other apps' pages, the API and
the exports. Each does its own joins, so that a list costs the same number of
queries whatever its length. They take querysets already limited to what the
viewer may see (apps.hypotheses.access)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.backlog.models import BacklogItem, Blocker
from apps.core import history
from apps.hypotheses.models import (
    Assumption,
    Experiment,
    FeasibilityAssessment,
    GateResult,
    Hypothesis,
    LearningEntry,
    ModelVersion,
)
from apps.products.models import OutcomeMetric
from apps.sprints.metrics import points_of
from apps.sprints.models import Sprint

CONCLUDED = Experiment.Status.CONCLUDED


# --- hypotheses --------------------------------------------------------------------------


def ledger(hypotheses: QuerySet[Hypothesis]) -> QuerySet[Hypothesis]:
    """Ledger rows, newest first: metric, owner, the latest observed value and
    the number of experiments, as subqueries evaluated for the rows shown only."""
    experiments = Experiment.objects.filter(hypothesis=OuterRef("pk"))
    latest_observed = (
        experiments.filter(status=CONCLUDED, observed_value__isnull=False)
        .order_by("-concluded_at", "-id")
        .values("observed_value")[:1]
    )
    counted = experiments.order_by().values("hypothesis").annotate(n=Count("pk")).values("n")
    return (
        hypotheses.select_related("metric", "owner")
        .annotate(
            observed=Subquery(latest_observed, output_field=Experiment._meta.get_field("observed_value")),
            experiment_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
        )
        .order_by("-number")
    )


def experiments_of(hypothesis: Hypothesis) -> QuerySet[Experiment]:
    return (
        Experiment.objects.filter(hypothesis=hypothesis)
        .select_related("sprint")  # the page links the sprint; nobody else is shown
        .order_by("created_at", "id")
    )


def test_items_of(hypothesis: Hypothesis) -> QuerySet[BacklogItem]:
    return (
        BacklogItem.objects.filter(hypothesis_links__hypothesis=hypothesis)
        .select_related("assignee")
        .order_by("number")
    )


def hypotheses_of_item(item: BacklogItem) -> list[Hypothesis]:
    """The hypotheses an item tests (for the item page's links)."""
    return list(Hypothesis.objects.filter(item_links__item=item).order_by("number"))


def experiments_concluded_in(sprint: Sprint) -> list[Experiment]:
    """Intermediate deliveries of a sprint: its experiments that concluded (for the review)."""
    return list(
        Experiment.objects.filter(sprint=sprint, status=CONCLUDED)
        .select_related("hypothesis__metric", "concluded_by")
        .order_by("concluded_at", "id")
    )


HISTORY_FIELDS = [
    "change",
    "audience",
    "outcome",
    "metric_id",
    "metric_text",
    "baseline",
    "target",
    "target_date",
    "owner_id",
    "status",
    "confidence_before",
    "confidence_after",
    "evidence",
    "notes",
    "learning",
    "next_step",
    "proposed_status",
    "published_at",
]
TEXT_FIELDS = {"evidence", "notes", "learning", "next_step"}


def hypothesis_history(hypothesis: Hypothesis, *, internal: bool, limit: int = 50) -> list[dict]:
    """Who changed what and when, newest first, compared over the history rows
    read at once. Without `internal`, the team's notes are left out."""
    records = list(hypothesis.history.select_related("history_user").order_by("-history_id")[: limit + 1])
    people = {u.pk: str(u) for u in User.objects.filter(pk__in={r.owner_id for r in records} - {None})}
    metrics = dict(
        OutcomeMetric.objects.filter(pk__in={r.metric_id for r in records} - {None}).values_list("pk", "name")
    )
    shown = {"owner_id": people, "metric_id": metrics}

    def changes(older, newer) -> list[history.Change]:
        found: list[history.Change] = []
        for field in HISTORY_FIELDS:
            if field == "notes" and not internal:
                continue
            old, new = getattr(older, field), getattr(newer, field)
            if old == new:
                continue
            label = field.removesuffix("_id").replace("_", " ")
            if field in shown:
                found.append((label, shown[field].get(old, "–"), shown[field].get(new, "–")))
            elif field in TEXT_FIELDS:
                found.append((label, "", "edited"))
            elif field == "published_at":
                found.append(("", "published it" if new else "unpublished it", ""))
            elif field in ("status", "proposed_status"):
                labels = dict(Hypothesis.Status.choices)
                found.append((label, labels.get(old, old or "–"), labels.get(new, new or "–")))
            else:
                found.append((label, "–" if old in (None, "") else str(old), "–" if new in (None, "") else str(new)))
        return found

    return history.entries_of(records, limit=limit, created="stated it", changes=changes)


# --- the learning log --------------------------------------------------------------------


def learning_entries(entries: QuerySet[LearningEntry]) -> QuerySet[LearningEntry]:
    return entries.select_related("hypothesis", "experiment", "actor").order_by("-happened_at", "-id")


# --- feasibility and release gates -------------------------------------------------------


def feasibility_assessments(product) -> QuerySet[FeasibilityAssessment]:
    return (
        FeasibilityAssessment.objects.filter(product=product)
        .select_related("epic", "hypothesis", "decided_by")
        .prefetch_related(Prefetch("blockers", queryset=_blockers()))
        .order_by("-created_at", "-id")
    )


def _blockers():
    return Blocker.objects.select_related("item").order_by("since")


def model_versions_of_item(item: BacklogItem) -> list[ModelVersion]:
    return list(
        ModelVersion.objects.filter(item=item)
        .select_related("registered_by", "signed_off_by")
        .prefetch_related(Prefetch("gate_results", queryset=GateResult.objects.select_related("recorded_by")))
        .order_by("-registered_at", "-id")
    )


def model_version_detail(model_version: ModelVersion) -> list[GateResult]:
    return list(model_version.gate_results.select_related("recorded_by", "gate"))


# --- assumptions ---------------------------------------------------------------------------


def assumptions(product, *, sprint: Sprint | None = None, hypothesis: Hypothesis | None = None) -> QuerySet[Assumption]:
    """The product's assumptions (of one sprint or hypothesis, if given) in the
    order they were recorded, with their follow-ups."""
    rows = Assumption.objects.filter(product=product)
    if sprint is not None:
        rows = rows.filter(sprint=sprint)
    if hypothesis is not None:
        rows = rows.filter(hypothesis=hypothesis)
    return (
        rows.select_related("sprint", "hypothesis", "created_by", "checked_by")
        .prefetch_related(
            Prefetch("follow_up_items", queryset=BacklogItem.objects.select_related("product").order_by("number"))
        )
        .order_by("created_at", "id")
    )


def assumption_row(assumption: Assumption) -> Assumption:
    """One assumption read again, as `assumptions` lists it."""
    return assumptions(assumption.product_id).get(pk=assumption.pk)


@dataclass
class WrongAssumptionCost:
    wrong: int
    follow_ups: int
    points: Decimal


def cost_of_wrong(items: list[Assumption]) -> WrongAssumptionCost:
    """How much work wrong assumptions added: their follow-up items' expected points."""
    wrong = [assumption for assumption in items if assumption.status == Assumption.Status.WRONG]
    follow_ups = [item for assumption in wrong for item in assumption.follow_up_items.all()]
    return WrongAssumptionCost(
        wrong=len(wrong),
        follow_ups=len(follow_ups),
        points=sum((points_of(item.expected_points) for item in follow_ups), Decimal(0)),
    )


def spawning_assumptions(item: BacklogItem) -> list[Assumption]:
    """The wrong assumptions this item is a follow-up of."""
    return list(item.spawned_by_assumptions.select_related("sprint__product", "hypothesis__product"))
