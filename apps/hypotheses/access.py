"""The way to this app's objects: assumptions, hypotheses, experiments, the
learning log, feasibility assessments, release gates and model versions.
Pages, htmx fragments, API views and exports reach them only here: the role
is checked for the action (apps.accounts.permissions), the object is found
inside the product, 404 for an id that is not there (or not the viewer's to
see), 403 for a missing right.

The row-level rule of this app, written once: the team sees every
hypothesis; everyone else in the product sees only the hypotheses a PM has
published (concluded ones), and of them only the statement, outcome and
learning (the public shapes the pages and serializers choose with
`sees_internals`), never internal notes, experiments or their figures.
Every list, count, search and export starts from `visible_hypotheses` or
`visible_learning`.
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, QueryDict

from apps.accounts.models import User
from apps.accounts.permissions import TEAM, Action, can, require
from apps.backlog.models import MAX_NUMBER, BacklogItem, Blocker
from apps.core.http import as_id
from apps.core.lookups import one_by_id
from apps.hypotheses import selectors
from apps.hypotheses.filters import LEARNING_FILTER_KEYS, LEDGER_FILTER_KEYS, HypothesisFilter, LearningFilter
from apps.hypotheses.models import (
    Assumption,
    Experiment,
    FeasibilityAssessment,
    Hypothesis,
    LearningEntry,
    ModelVersion,
    ReleaseGate,
)
from apps.products.models import OutcomeMetric, Product
from apps.requests.access import visible_requests
from apps.requests.models import StakeholderRequest
from apps.sprints.models import Sprint


def sees_internals(user, product: Product) -> bool:
    """Does the viewer see every hypothesis with its experiments and notes (the team)?"""
    return can(user, Action.VIEW_HYPOTHESES, product)


# --- hypotheses ---------------------------------------------------------------------------


def visible_hypotheses(user, product: Product) -> QuerySet[Hypothesis]:
    """The one list filter for hypotheses: the team's all, everyone else's the published ones."""
    require(user, Action.VIEW_PUBLISHED_HYPOTHESES, product)
    rows = Hypothesis.objects.filter(product=product)
    if not sees_internals(user, product):
        rows = rows.filter(published_at__isnull=False, status__in=Hypothesis.CONCLUDED)
    return rows


def filtered_hypotheses(user, product: Product, params: QueryDict) -> HypothesisFilter:
    """The URL's filters (the ledger page's, its export's, the API's) over the
    ledger rows of `visible_hypotheses`; empty values mean no filter. Check `.is_valid()`."""
    return HypothesisFilter(
        _only(params, LEDGER_FILTER_KEYS),
        queryset=selectors.ledger(visible_hypotheses(user, product)),
        product=product,
    )


def access_hypothesis(user, product: Product, number, action: Action = Action.VIEW_PUBLISHED_HYPOTHESES) -> Hypothesis:
    """The hypothesis with this number (H-7: 7), if the viewer may see it and do `action`."""
    require(user, action, product)
    wanted = as_id(str(number).upper().removeprefix("H-"))
    hypothesis = None
    if wanted is not None and wanted <= MAX_NUMBER:
        hypothesis = visible_hypotheses(user, product).select_related("metric", "owner").filter(number=wanted).first()
    if hypothesis is None:
        raise Http404("No such hypothesis in this product.")
    hypothesis.product = product  # keeps the viewer's role, spares a query for links
    return hypothesis


def access_hypothesis_by_number(user, product: Product, number, action: Action, *, field: str) -> Hypothesis:
    """A hypothesis named in a form or API input: one that is not there (for the viewer) is a 400 on `field`."""
    try:
        return access_hypothesis(user, product, number, action)
    except Http404:
        label = str(number).strip().upper()
        label = label if label.startswith("H") else f"H-{label}"
        raise ValidationError({field: f"No hypothesis {label} in this product."}) from None


# --- experiments (the team's) ---------------------------------------------------------------


def visible_experiments(user, product: Product, *, hypothesis: Hypothesis | None = None) -> QuerySet[Experiment]:
    require(user, Action.VIEW_HYPOTHESES, product)
    rows = Experiment.objects.filter(product=product)
    return rows.filter(hypothesis=hypothesis) if hypothesis is not None else rows


def access_experiment(user, product: Product, experiment_id, action: Action = Action.VIEW_HYPOTHESES) -> Experiment:
    require(user, action, product)
    experiments = Experiment.objects.filter(product=product).select_related("hypothesis__metric", "sprint")
    experiment = one_by_id(experiments, experiment_id, "No such experiment in this product.")
    experiment.product = product
    experiment.hypothesis.product = product
    return experiment


# --- the learning log ---------------------------------------------------------------------------


def visible_learning(user, product: Product) -> QuerySet[LearningEntry]:
    """The log, newest first: the team's every line; everyone else's the
    decisions on published hypotheses (experiments stay the team's)."""
    require(user, Action.VIEW_PUBLISHED_HYPOTHESES, product)
    rows = LearningEntry.objects.filter(product=product)
    if not sees_internals(user, product):
        rows = rows.filter(
            kind=LearningEntry.Kind.DECISION,
            hypothesis__published_at__isnull=False,
            hypothesis__status__in=Hypothesis.CONCLUDED,
        )
    return rows


def filtered_learning(user, product: Product, params: QueryDict) -> LearningFilter:
    return LearningFilter(
        _only(params, LEARNING_FILTER_KEYS), queryset=selectors.learning_entries(visible_learning(user, product))
    )


# --- assumptions -----------------------------------------------------------------------------------


def visible_assumptions(
    user, product: Product, *, sprint: Sprint | None = None, hypothesis: Hypothesis | None = None
) -> QuerySet[Assumption]:
    """The product's assumptions (of one sprint or hypothesis, if given) the viewer may see."""
    require(user, Action.VIEW_ASSUMPTIONS, product)
    return selectors.assumptions(product, sprint=sprint, hypothesis=hypothesis)


def access_assumption(
    user,
    product: Product,
    assumption_id,
    action: Action = Action.VIEW_ASSUMPTIONS,
    *,
    rows: QuerySet[Assumption] | None = None,
) -> Assumption:
    """An assumption of the product. `rows`: a selector's queryset to read it
    from when the answer shows more of it (its follow-ups, say)."""
    require(user, action, product)
    rows = Assumption.objects.select_related("sprint", "hypothesis") if rows is None else rows
    assumption = one_by_id(rows.filter(product=product), assumption_id, "No such assumption in this product.")
    # Keep the viewer's role on the product, and spare a query for the sprint's or hypothesis's link.
    assumption.product = product
    if assumption.sprint is not None:
        assumption.sprint.product = product
    if assumption.hypothesis is not None:
        assumption.hypothesis.product = product
    return assumption


# --- feasibility ---------------------------------------------------------------------------------


def visible_feasibility(user, product: Product) -> QuerySet[FeasibilityAssessment]:
    require(user, Action.VIEW_HYPOTHESES, product)
    return selectors.feasibility_assessments(product)


def access_feasibility(
    user, product: Product, assessment_id, action: Action = Action.VIEW_HYPOTHESES
) -> FeasibilityAssessment:
    require(user, action, product)
    assessment = one_by_id(
        visible_feasibility(user, product), assessment_id, "No such feasibility assessment in this product."
    )
    assessment.product = product
    return assessment


def access_epic(user, product: Product, number, action: Action, *, field: str = "epic") -> BacklogItem:
    """An epic of the backlog named in a form or API input (a 400 on `field` when it is not one)."""
    require(user, action, product)
    wanted = as_id(str(number).lstrip("#"))
    epic = None
    if wanted is not None and wanted <= MAX_NUMBER:
        epic = BacklogItem.objects.filter(product=product, number=wanted, kind=BacklogItem.Kind.EPIC).first()
    if epic is None:
        raise ValidationError({field: f"No epic #{number} in this product's backlog."})
    return epic


def data_access_blockers(user, product: Product) -> QuerySet[Blocker]:
    """Blockers an assessment may name: data-access ones of the product's items."""
    require(user, Action.VIEW_HYPOTHESES, product)
    return (
        Blocker.objects.filter(item__product=product, kind=Blocker.Kind.DATA_ACCESS)
        .select_related("item")
        .order_by("resolved_at", "-since")
    )


# --- release gates and model versions ---------------------------------------------------------------------


def visible_gates(user, product: Product) -> QuerySet[ReleaseGate]:
    require(user, Action.VIEW_HYPOTHESES, product)
    return ReleaseGate.objects.filter(product=product, archived_at__isnull=True).order_by("position", "id")


def access_gate(user, product: Product, gate_id, action: Action = Action.VIEW_HYPOTHESES) -> ReleaseGate:
    require(user, action, product)
    return one_by_id(visible_gates(user, product), gate_id, "No such gate on this product's checklist.")


def visible_model_versions(user, product: Product) -> QuerySet[ModelVersion]:
    require(user, Action.VIEW_HYPOTHESES, product)
    return ModelVersion.objects.filter(product=product).select_related("item", "registered_by", "signed_off_by")


def access_model_version(
    user, product: Product, model_version_id, action: Action = Action.VIEW_HYPOTHESES
) -> ModelVersion:
    require(user, action, product)
    model_version = one_by_id(
        visible_model_versions(user, product), model_version_id, "No such model version in this product."
    )
    model_version.product = product
    model_version.item.product = product
    return model_version


# --- what other apps' objects a hypothesis may name -------------------------------------------------------


def linkable_items(user, product: Product, numbers) -> list[BacklogItem]:
    """Backlog items by number ("#3, 9"); a number that names no item of the product is a 400 on "items"."""
    require(user, Action.VIEW_BACKLOG, product)
    wanted = _numbers(numbers, "items", "#")
    found = {item.number: item for item in BacklogItem.objects.filter(product=product, number__in=wanted)}
    missing = [number for number in wanted if number not in found]
    if missing:
        raise ValidationError({"items": f"No item {', '.join(f'#{n}' for n in missing)} in this product's backlog."})
    return [found[number] for number in wanted]


def linkable_requests(user, product: Product, numbers) -> list[StakeholderRequest]:
    """Requests by number ("R-3 R-7") that the viewer may read (apps.requests.access)."""
    wanted = _numbers(numbers, "requests", "R-")
    found = {r.number: r for r in visible_requests(user, product).filter(number__in=wanted)}
    missing = [number for number in wanted if number not in found]
    if missing:
        raise ValidationError({"requests": f"No request {', '.join(f'R-{n}' for n in missing)} in this product."})
    return [found[number] for number in wanted]


def linked_requests(user, product: Product, hypothesis: Hypothesis) -> QuerySet[StakeholderRequest]:
    """The requests that motivated the hypothesis, as far as the viewer may read them."""
    return visible_requests(user, product).filter(hypothesis_links__hypothesis=hypothesis).order_by("number")


def metrics_of(user, product: Product) -> QuerySet[OutcomeMetric]:
    require(user, Action.VIEW_PRODUCT, product)
    return OutcomeMetric.objects.filter(product=product).order_by("name")


def access_metric_choice(user, product: Product, metric_id, *, field: str = "metric") -> OutcomeMetric | None:
    """An outcome metric named in an input (None for none); another product's is a 400 on `field`."""
    if metric_id in (None, ""):
        return None
    return one_by_id(metrics_of(user, product), metric_id, "Choose one of this product's outcome metrics.", field=field)


def sprints_of(user, product: Product) -> QuerySet[Sprint]:
    """Sprints an experiment may be worked in."""
    require(user, Action.VIEW_SPRINTS, product)
    return Sprint.objects.filter(product=product).order_by("-start_date")


def access_sprint_choice(user, product: Product, sprint_id, *, field: str = "sprint") -> Sprint | None:
    if sprint_id in (None, ""):
        return None
    return one_by_id(sprints_of(user, product), sprint_id, "Choose a sprint of this product.", field=field)


def team_of(user, product: Product) -> QuerySet[User]:
    """People who may own a hypothesis: the product's team."""
    require(user, Action.VIEW_HYPOTHESES, product)
    return User.objects.filter(memberships__product=product, memberships__role__in=TEAM).order_by(
        "first_name", "username"
    )


def _only(params: QueryDict, keys: list[str]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key in keys:
        data.setlist(key, [value for value in params.getlist(key) if value])
    return data


def _numbers(value, field: str, prefix: str) -> list[int]:
    """Numbers from "#3, #9", "R-3 R-7" or a list; anything else is named."""
    if value in (None, ""):
        return []
    tokens = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
    numbers = []
    for token in tokens:
        text = str(token).strip().upper().removeprefix(prefix.upper()).removeprefix("#")
        number = as_id(text)
        if number is None or number > MAX_NUMBER:
            raise ValidationError({field: f"“{token}” is not a number like {prefix}12."})
        numbers.append(number)
    return list(dict.fromkeys(numbers))
