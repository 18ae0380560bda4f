"""Changes to experiments. Recording a result concludes an experiment: the
observed value proposes a status for its hypothesis (apps.hypotheses.evaluation;
the PM confirms it), the learning log gets a line, and the requesters of the
stakeholder requests that motivated the hypothesis are told through the
requests app's outbox (a concluded experiment is an intermediate delivery)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.versions import refuse_if_stale
from apps.hypotheses.evaluation import experiment_verdict
from apps.hypotheses.models import Experiment, Hypothesis, LearningEntry
from apps.requests import services as requests
from apps.sprints.models import Sprint

Method = Experiment.Method
# What describes the experiment (editable while it runs and after); results have their own function.
DESIGN_FIELDS = frozenset({"title", "method", "design_notes", "started_on", "ended_on", "sprint", "status"})
RESULT_FIELDS = frozenset(
    {
        "observed_value",
        "control_value",
        "treatment_value",
        "control_size",
        "treatment_size",
        "interval_low",
        "interval_high",
        "interval_level",
    }
)
# What a requester hears when the team leaves the note empty: nothing of an unpublished hypothesis.
DEFAULT_FINDING_NOTE = (
    "An experiment on work your request motivated has concluded. "
    "The team will share what it learned once the product manager publishes it."
)


@transaction.atomic
def experiment_create(*, actor: User, hypothesis: Hypothesis, title: str, method: str, **fields) -> Experiment:
    """Plan (or start) an experiment that tests the hypothesis."""
    _refuse_unknown(fields, DESIGN_FIELDS)
    hypothesis = Hypothesis.objects.select_for_update().select_related("product").get(pk=hypothesis.pk)
    if hypothesis.is_concluded:
        raise ValidationError(
            f"{hypothesis.reference} is {hypothesis.get_status_display().lower()}; "
            "take it back to testing before running another experiment."
        )
    experiment = Experiment(
        product_id=hypothesis.product_id, hypothesis=hypothesis, title=title, method=method, created_by=actor, **fields
    )
    _clean_design(experiment)
    experiment._history_user = actor
    experiment.save()
    return experiment


@transaction.atomic
def experiment_update(*, actor: User, experiment: Experiment, expected_version: int | None, **changes) -> Experiment:
    """Change what describes the experiment (its results are recorded once, by experiment_record_result)."""
    _refuse_unknown(changes, DESIGN_FIELDS)
    current = _lock(experiment, expected_version)
    if current.is_concluded and changes.get("status", Experiment.Status.CONCLUDED) != Experiment.Status.CONCLUDED:
        raise ValidationError({"status": "A concluded experiment stays concluded; plan a new one to test again."})
    for field, value in changes.items():
        setattr(current, field, value)
    _clean_design(current)
    current.version += 1
    current._history_user = actor
    current.save()
    return current


@transaction.atomic
def experiment_record_result(
    *,
    actor: User,
    experiment: Experiment,
    conclusion: str,
    tell_requesters: str = "",
    expected_version: int | None = None,
    **results,
) -> Experiment:
    """Record what the experiment observed and what it means, concluding it.

    Observed values need a hypothesis with a metric (and a target to compare
    with). For an A/B test the treatment's value is the observed value unless
    one is given. The status the observed value proposes waits on the
    hypothesis for the PM's decision. `tell_requesters`: the note the
    requesters of linked requests get (a neutral one when empty).
    """
    _refuse_unknown(results, RESULT_FIELDS)
    current = _lock(experiment, expected_version)
    hypothesis = (
        Hypothesis.objects.select_for_update(of=("self",))
        .select_related("metric", "product")
        .get(pk=current.hypothesis_id)
    )
    if current.is_concluded:
        raise ValidationError("This experiment is already concluded; plan a new one to test again.")
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ValidationError({"conclusion": "Say what the result means."})
    for field, value in results.items():
        setattr(current, field, value)
    if current.observed_value is None and current.method == Method.AB_TEST:
        current.observed_value = current.treatment_value
    _check_results(current, hypothesis)
    because = ""
    current.proposed_status = ""
    if current.observed_value is not None:
        outcome = experiment_verdict(current, hypothesis)
        current.proposed_status, because = outcome.status, outcome.because
    now = timezone.now()
    current.conclusion = conclusion
    current.status = Experiment.Status.CONCLUDED
    current.concluded_at, current.concluded_by = now, actor
    current.ended_on = current.ended_on or timezone.localdate()
    _clean_design(current)
    current.version += 1
    current._history_user = actor
    current.save()
    if current.proposed_status:
        hypothesis.proposed_status, hypothesis.proposed_by = current.proposed_status, current
        hypothesis.version += 1
        hypothesis._history_user = actor
        hypothesis._change_reason = f"experiment proposes {current.proposed_status}"
        hypothesis.save(update_fields=["proposed_status", "proposed_by", "version", "updated_at"])
    LearningEntry.objects.create(
        product_id=current.product_id,
        hypothesis=hypothesis,
        experiment=current,
        kind=LearningEntry.Kind.EXPERIMENT,
        happened_at=now,
        status=current.proposed_status or hypothesis.status,
        believed=hypothesis.statement,
        ran=f"{current.get_method_display()}: {current.title}",
        learned=f"{conclusion}\n\n(Observed {because}.)" if because else conclusion,
        actor=actor,
    )
    note = (tell_requesters or "").strip() or DEFAULT_FINDING_NOTE
    for stakeholder_request in hypothesis.requests.select_related("product").order_by("number"):
        requests.request_finding_share(actor=actor, stakeholder_request=stakeholder_request, note=note)
    return current


# --- internals ----------------------------------------------------------------------


def _refuse_unknown(fields, allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")


def _lock(experiment: Experiment, expected_version: int | None) -> Experiment:
    current = Experiment.objects.select_for_update(of=("self",)).select_related("product").get(pk=experiment.pk)
    refuse_if_stale(current, expected_version, label=f"The experiment “{current.title}”")
    return current


def _clean_design(experiment: Experiment) -> None:
    errors: dict[str, str] = {}
    experiment.title = (experiment.title or "").strip()
    if not experiment.title:
        errors["title"] = "Name the experiment."
    if experiment.method not in Method.values:
        errors["method"] = f"Choose a method: {', '.join(Method.labels)}."
    if experiment.status not in Experiment.Status.values:
        errors["status"] = f"Choose one of: {', '.join(Experiment.Status.values)}."
    if experiment.started_on and experiment.ended_on and experiment.ended_on < experiment.started_on:
        errors["ended_on"] = "An experiment cannot end before it starts."
    if experiment.sprint_id is not None:
        sprint_product = Sprint.objects.filter(pk=experiment.sprint_id).values_list("product_id", flat=True).first()
        if sprint_product != experiment.product_id:
            errors["sprint"] = "Choose a sprint of this product."
    if errors:
        raise ValidationError(errors)
    try:
        experiment.full_clean(
            exclude=["product", "hypothesis", "sprint", "created_by", "concluded_by"], validate_constraints=False
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def _check_results(experiment: Experiment, hypothesis: Hypothesis) -> None:
    """Observed values only on a hypothesis that says what it measures and where it should get."""
    given = [field for field in RESULT_FIELDS if getattr(experiment, field) is not None]
    if given and not hypothesis.has_metric:
        raise ValidationError(
            {
                "observed_value": f"{hypothesis.reference} has no metric: give it one of the product's "
                "outcome metrics or a metric of its own before recording observed values."
            }
        )
    if experiment.observed_value is not None and hypothesis.target is None:
        raise ValidationError(
            {"observed_value": f"{hypothesis.reference} has no target to compare the observed value with; set one."}
        )
    if given and experiment.observed_value is None:
        raise ValidationError({"observed_value": "Give the observed value (for an A/B test, the treatment's value)."})
    low, high = experiment.interval_low, experiment.interval_high
    if (low is None) != (high is None):
        raise ValidationError({"interval_high": "Give both ends of the interval, or neither."})
    if low is not None and high is not None:
        if low > high:
            raise ValidationError({"interval_high": "The interval ends below where it starts."})
        if experiment.observed_value is not None and not low <= experiment.observed_value <= high:
            raise ValidationError({"interval_low": "The observed value lies outside the interval given for it."})
    if experiment.interval_level is not None and not 0 < experiment.interval_level < 100:
        raise ValidationError({"interval_level": "An interval's level is a percentage between 0 and 100."})
    for field in ("control_size", "treatment_size"):
        size = getattr(experiment, field)
        if size is not None and size < 1:
            raise ValidationError({field: "A sample has at least one member."})


def observed_summary(experiment: Experiment, unit: str = "") -> str:
    """The figures of a result in one line, for the page and the log."""

    def shown(value: Decimal | None) -> str:
        return "–" if value is None else f"{format(Decimal(str(value)).normalize(), 'f')} {unit}".strip()

    parts = [f"observed {shown(experiment.observed_value)}"]
    if experiment.method == Method.AB_TEST and experiment.control_value is not None:
        parts.append(
            f"control {shown(experiment.control_value)} (n={experiment.control_size or '?'}), "
            f"treatment {shown(experiment.treatment_value)} (n={experiment.treatment_size or '?'})"
        )
    if experiment.interval_low is not None:
        level = f"{experiment.interval_level} % " if experiment.interval_level else ""
        parts.append(f"{level}interval {shown(experiment.interval_low)} – {shown(experiment.interval_high)}")
    return "; ".join(parts)
