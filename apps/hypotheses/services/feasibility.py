"""Feasibility assessments of an epic or a hypothesis: the team fills in what
it knows (data, approvals, value, effort), the PM decides go or no-go."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.backlog.models import BacklogItem, Blocker
from apps.core.versions import refuse_if_stale
from apps.hypotheses.models import FeasibilityAssessment, Hypothesis
from apps.products.models import Product

Decision = FeasibilityAssessment.Decision
ASSESSMENT_FIELDS = frozenset(
    {
        "data_availability",
        "data_quality",
        "data_notes",
        "approvals_needed",
        "expected_value",
        "effort_low",
        "effort_high",
    }
)


@transaction.atomic
def feasibility_create(
    *,
    actor: User,
    product: Product,
    epic: BacklogItem | None = None,
    hypothesis: Hypothesis | None = None,
    blockers: Iterable[Blocker] = (),
    **fields,
) -> FeasibilityAssessment:
    """Assess an epic or a hypothesis of the product (each once)."""
    _refuse_unknown(fields)
    if (epic is None) == (hypothesis is None):
        raise ValidationError("Assess an epic or a hypothesis.")
    if epic is not None:
        if epic.product_id != product.pk or epic.kind != BacklogItem.Kind.EPIC:
            raise ValidationError({"epic": "Choose an epic of this product's backlog."})
        if FeasibilityAssessment.objects.filter(epic=epic).exists():
            raise ValidationError({"epic": f"Epic #{epic.number} is assessed already; edit that assessment."})
    if hypothesis is not None:
        if hypothesis.product_id != product.pk:
            raise ValidationError({"hypothesis": "Choose a hypothesis of this product."})
        if FeasibilityAssessment.objects.filter(hypothesis=hypothesis).exists():
            raise ValidationError({"hypothesis": f"{hypothesis.reference} is assessed already; edit that assessment."})
    assessment = FeasibilityAssessment(product=product, epic=epic, hypothesis=hypothesis, created_by=actor, **fields)
    _clean(assessment)
    assessment.save()
    assessment.blockers.set(_data_access_blockers(product, blockers))
    return assessment


@transaction.atomic
def feasibility_update(
    *,
    actor: User,
    assessment: FeasibilityAssessment,
    expected_version: int | None,
    blockers: Iterable[Blocker] | None = None,
    **changes,
) -> FeasibilityAssessment:
    _refuse_unknown(changes)
    current = _lock(assessment, expected_version)
    for field, value in changes.items():
        setattr(current, field, value)
    _clean(current)
    current.version += 1
    current.save()
    if blockers is not None:
        current.blockers.set(_data_access_blockers(current.product, blockers))
    return current


@transaction.atomic
def feasibility_decide(
    *, actor: User, assessment: FeasibilityAssessment, decision: str, reason: str, expected_version: int | None
) -> FeasibilityAssessment:
    """Go or no-go, with the reason and the day (back to "not decided" clears them)."""
    if decision not in Decision.values:
        raise ValidationError({"decision": f"Choose one of: {', '.join(Decision.values)}."})
    current = _lock(assessment, expected_version)
    reason = (reason or "").strip()
    if decision != Decision.PENDING and not reason:
        raise ValidationError({"decision_reason": "Say why."})
    current.decision = decision
    current.decision_reason = reason
    current.decided_on = timezone.localdate() if decision != Decision.PENDING else None
    current.decided_by = actor if decision != Decision.PENDING else None
    current.version += 1
    current.save(update_fields=["decision", "decision_reason", "decided_on", "decided_by", "version", "updated_at"])
    return current


def _refuse_unknown(fields) -> None:
    unknown = set(fields) - ASSESSMENT_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")


def _lock(assessment: FeasibilityAssessment, expected_version: int | None) -> FeasibilityAssessment:
    current = (
        FeasibilityAssessment.objects.select_for_update(of=("self",))
        .select_related("product", "epic", "hypothesis")
        .get(pk=assessment.pk)
    )
    refuse_if_stale(current, expected_version, label=f"The assessment of {current.subject_label}")
    return current


def _clean(assessment: FeasibilityAssessment) -> None:
    low, high = assessment.effort_low, assessment.effort_high
    if low is not None and low < 0 or high is not None and high < 0:
        raise ValidationError({"effort_low": "Effort cannot be negative."})
    if low is not None and high is not None and high < low:
        raise ValidationError({"effort_high": "The effort range must not end below where it starts."})
    try:
        assessment.full_clean(
            exclude=["product", "epic", "hypothesis", "blockers", "created_by", "decided_by"],
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def _data_access_blockers(product: Product, blockers: Iterable[Blocker]) -> list[Blocker]:
    blockers = list(blockers)
    wrong = [b for b in blockers if b.item.product_id != product.pk or b.kind != Blocker.Kind.DATA_ACCESS]
    if wrong:
        raise ValidationError({"blockers": "Link data-access blockers of this product's backlog items only."})
    return blockers
