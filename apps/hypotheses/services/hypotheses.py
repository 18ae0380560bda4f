"""Changes to hypotheses: writing and editing the statement, the status
workflow and its decisions (each one a line of the learning log), publishing
to stakeholders, and the work that tests a hypothesis (backlog items made
through the backlog's services) and the requests that motivated it.

Who may call these was checked at the door (apps.hypotheses.access); these
functions enforce the rules of the workflow, versions and links."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.accounts.permissions import TEAM
from apps.backlog.models import BacklogItem
from apps.backlog.services import item_create
from apps.core.versions import refuse_if_stale
from apps.hypotheses.models import Hypothesis, HypothesisItem, HypothesisRequest, LearningEntry
from apps.products.models import Product
from apps.requests.models import StakeholderRequest

Status = Hypothesis.Status

# What an edit may change; status, publishing and links have their own functions.
EDITABLE_FIELDS = frozenset(
    {
        "change",
        "audience",
        "outcome",
        "metric",
        "metric_text",
        "direction",
        "unit",
        "baseline",
        "target",
        "target_date",
        "owner",
        "confidence_before",
        "confidence_after",
        "evidence",
        "notes",
        "learning",
        "next_step",
    }
)
STATEMENT_FIELDS = ("change", "audience", "outcome")

# The status workflow: concluded only after testing, and back to testing only with a reason.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PROPOSED: frozenset({Status.TESTING}),
    Status.TESTING: frozenset({Status.VALIDATED, Status.INVALIDATED, Status.INCONCLUSIVE}),
    Status.VALIDATED: frozenset({Status.TESTING}),
    Status.INVALIDATED: frozenset({Status.TESTING}),
    Status.INCONCLUSIVE: frozenset({Status.TESTING}),
}
TEST_ITEM_KINDS = frozenset(BacklogItem.Kind.values) - {BacklogItem.Kind.EPIC}


def allowed_statuses(current: str) -> list[str]:
    return [status for status in Status.values if status in TRANSITIONS.get(current, frozenset())]


@transaction.atomic
def hypothesis_create(
    *, actor: User, product: Product, change: str, audience: str, outcome: str, **fields
) -> Hypothesis:
    """State a hypothesis of `product`; it starts as proposed."""
    _refuse_unknown(fields)
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").first()  # numbering, one at a time
    highest = Hypothesis.objects.filter(product=product).aggregate(n=Max("number"))["n"]
    hypothesis = Hypothesis(
        product=product,
        number=(highest or 0) + 1,
        change=change,
        audience=audience,
        outcome=outcome,
        created_by=actor,
        **fields,
    )
    _clean(hypothesis)
    hypothesis._history_user = actor
    hypothesis._change_reason = "stated"
    hypothesis.save()
    return hypothesis


@transaction.atomic
def hypothesis_update(*, actor: User, hypothesis: Hypothesis, expected_version: int | None, **changes) -> Hypothesis:
    """Change the statement, metric, owner, confidence or texts, refusing the
    edit if someone saved the hypothesis since `expected_version`."""
    _refuse_unknown(changes)
    current = _lock(hypothesis, expected_version)
    for field, value in changes.items():
        setattr(current, field, value)
    _clean(current)
    return _save(current, actor, reason="edited")


@transaction.atomic
def hypothesis_set_status(
    *,
    actor: User,
    hypothesis: Hypothesis,
    status: str,
    reason: str = "",
    learning: str | None = None,
    next_step: str | None = None,
    confidence_after: int | None = None,
    expected_version: int | None = None,
) -> Hypothesis:
    """Move the hypothesis through its workflow (the PM's decision). Testing
    needs a metric and a target; a conclusion needs what we learned; going
    back to testing needs a reason (and takes it off the stakeholders' view).
    A conclusion, and a reopening, is written to the learning log."""
    if status not in Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}; choose one of {', '.join(Status.values)}."})
    current = _lock(hypothesis, expected_version)
    old = current.status
    if status == old:
        raise ValidationError({"status": f"{current.reference} is already {Status(old).label.lower()}."})
    if status not in TRANSITIONS[old]:
        why = {
            Status.PROPOSED: "a hypothesis is concluded only after it has been tested",
            Status.TESTING: "a hypothesis under test is concluded as validated, invalidated or inconclusive",
        }.get(Status(old), "a concluded hypothesis goes back to testing first")
        raise ValidationError(
            {"status": f"{current.reference} cannot go from {Status(old).label} to {Status(status).label}: {why}."}
        )
    reason = (reason or "").strip()
    if learning is not None:
        current.learning = learning.strip()
    if next_step is not None:
        current.next_step = next_step.strip()
    if confidence_after is not None:
        current.confidence_after = confidence_after
    if status == Status.TESTING and old == Status.PROPOSED and (not current.has_metric or current.target is None):
        raise ValidationError(
            {"status": f"Say how you will know before testing {current.reference}: give it a metric and a target."}
        )
    if status == Status.TESTING and old in Hypothesis.CONCLUDED:
        if not reason:
            raise ValidationError({"reason": f"Say why {current.reference} goes back to testing."})
        current.published_at, current.published_by = None, None  # stakeholders see concluded learning only
    if status in Hypothesis.CONCLUDED and not current.learning:
        raise ValidationError({"learning": f"Say what we learned before concluding {current.reference}."})
    current.status = status
    current.status_reason = reason
    current.concluded_at = timezone.now() if status in Hypothesis.CONCLUDED else None
    current.proposed_status, current.proposed_by = "", None  # the decision answers the proposal
    _clean(current)
    _save(current, actor, reason=f"{Status(old).label} → {Status(status).label}")
    if status in Hypothesis.CONCLUDED or old in Hypothesis.CONCLUDED:
        _log_decision(current, actor=actor, reopened_because=reason if status == Status.TESTING else "")
    return current


@transaction.atomic
def hypothesis_publish(
    *, actor: User, hypothesis: Hypothesis, published: bool = True, expected_version: int | None = None
) -> Hypothesis:
    """Show a concluded hypothesis to stakeholders (statement, outcome,
    learning), or take it back."""
    current = _lock(hypothesis, expected_version)
    if published:
        if not current.is_concluded:
            raise ValidationError(
                f"{current.reference} is {current.get_status_display().lower()}: "
                "only a concluded hypothesis can be published."
            )
        if not current.learning.strip():
            raise ValidationError({"learning": "Write what we learned before publishing it."})
        if current.is_published:
            return current
        current.published_at, current.published_by = timezone.now(), actor
    else:
        if not current.is_published:
            return current
        current.published_at, current.published_by = None, None
    return _save(current, actor, reason="published" if published else "unpublished")


@transaction.atomic
def hypothesis_create_test_items(*, actor: User, hypothesis: Hypothesis, items: list[dict]) -> list[BacklogItem]:
    """Make the backlog items that test the hypothesis in one step (each a dict
    with a title and optionally kind and story points), linked to it: all of
    them or none."""
    specs = [_test_item_fields(spec, number) for number, spec in enumerate(items, start=1) if _has_title(spec)]
    if not specs:
        raise ValidationError({"items": "Give at least one item a title."})
    made = []
    description = f"Tests hypothesis {hypothesis.reference}: {hypothesis.statement}"
    for fields in specs:
        item = item_create(actor=actor, product=hypothesis.product, description=description, **fields)
        HypothesisItem.objects.create(hypothesis=hypothesis, item=item, created_by=actor)
        made.append(item)
    return made


@transaction.atomic
def hypothesis_link_items(*, actor: User, hypothesis: Hypothesis, items: Iterable[BacklogItem]) -> int:
    """Link existing backlog items of the product as tests of the hypothesis; returns how many were new."""
    items = list(items)
    if any(item.product_id != hypothesis.product_id for item in items):
        raise ValidationError({"items": "Only items of this product's backlog can test its hypotheses."})
    before = HypothesisItem.objects.filter(hypothesis=hypothesis).count()
    HypothesisItem.objects.bulk_create(
        (HypothesisItem(hypothesis=hypothesis, item=item, created_by=actor) for item in items), ignore_conflicts=True
    )
    return HypothesisItem.objects.filter(hypothesis=hypothesis).count() - before


@transaction.atomic
def hypothesis_unlink_item(*, actor: User, hypothesis: Hypothesis, item: BacklogItem) -> None:
    HypothesisItem.objects.filter(hypothesis=hypothesis, item=item).delete()


@transaction.atomic
def hypothesis_link_requests(*, actor: User, hypothesis: Hypothesis, requests: Iterable[StakeholderRequest]) -> int:
    """Record the stakeholder requests that motivated the hypothesis (their
    requesters hear when an experiment on it concludes); returns how many were new."""
    requests = list(requests)
    if any(request.product_id != hypothesis.product_id for request in requests):
        raise ValidationError({"requests": "Only requests of this product can motivate its hypotheses."})
    before = HypothesisRequest.objects.filter(hypothesis=hypothesis).count()
    HypothesisRequest.objects.bulk_create(
        (HypothesisRequest(hypothesis=hypothesis, request=request, created_by=actor) for request in requests),
        ignore_conflicts=True,
    )
    return HypothesisRequest.objects.filter(hypothesis=hypothesis).count() - before


@transaction.atomic
def hypothesis_unlink_request(*, actor: User, hypothesis: Hypothesis, stakeholder_request: StakeholderRequest) -> None:
    HypothesisRequest.objects.filter(hypothesis=hypothesis, request=stakeholder_request).delete()


# --- internals ----------------------------------------------------------------------


def _refuse_unknown(fields) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")


def _lock(hypothesis: Hypothesis, expected_version: int | None) -> Hypothesis:
    current = (
        Hypothesis.objects.select_for_update(of=("self",)).select_related("product", "metric").get(pk=hypothesis.pk)
    )
    refuse_if_stale(current, expected_version, label=current.reference)
    return current


def _save(hypothesis: Hypothesis, actor: User, *, reason: str) -> Hypothesis:
    hypothesis.version += 1
    hypothesis._history_user = actor
    hypothesis._change_reason = reason
    hypothesis.save()
    return hypothesis


def _clean(hypothesis: Hypothesis) -> None:
    """The rules of a well-formed hypothesis; field errors name their field."""
    errors: dict[str, str] = {}
    for field in STATEMENT_FIELDS:
        value = (getattr(hypothesis, field) or "").strip()
        setattr(hypothesis, field, value)
        if not value:
            errors[field] = "Fill in every part of the statement."
    hypothesis.metric_text = (hypothesis.metric_text or "").strip()
    if hypothesis.metric_id and hypothesis.metric_text:
        errors["metric_text"] = "Choose one of the product's metrics or write a metric of its own, not both."
    if hypothesis.metric is not None and hypothesis.metric.product_id != hypothesis.product_id:
        errors["metric"] = "Choose one of this product's outcome metrics."
    for field in ("confidence_before", "confidence_after"):
        value = getattr(hypothesis, field)
        if value is not None and not 0 <= value <= 100:
            errors[field] = "Confidence is a percentage, 0 to 100."
    if hypothesis.status != Status.PROPOSED and (not hypothesis.has_metric or hypothesis.target is None):
        errors["target"] = f"{hypothesis.reference or 'A hypothesis'} under test keeps its metric and target."
    if (
        hypothesis.owner_id
        and not Membership.objects.filter(
            product_id=hypothesis.product_id, user_id=hypothesis.owner_id, role__in=TEAM
        ).exists()
    ):
        errors["owner"] = "The owner is someone on the product's team."
    if errors:
        raise ValidationError(errors)
    try:
        hypothesis.full_clean(exclude=["product", "metric", "owner", "created_by", "published_by", "proposed_by"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def _log_decision(hypothesis: Hypothesis, *, actor: User, reopened_because: str = "") -> LearningEntry:
    ran = [
        f"{experiment.get_method_display()}: {experiment.title}"
        for experiment in hypothesis.experiments.filter(status="concluded").order_by("concluded_at", "id")
    ]
    return LearningEntry.objects.create(
        product_id=hypothesis.product_id,
        hypothesis=hypothesis,
        kind=LearningEntry.Kind.DECISION,
        happened_at=timezone.now(),
        status=hypothesis.status,
        believed=hypothesis.statement,
        ran="\n".join(ran),
        learned=reopened_because or hypothesis.learning,
        next_step=hypothesis.next_step,
        actor=actor,
    )


def _has_title(spec: dict) -> bool:
    return bool((spec.get("title") or "").strip())


def _test_item_fields(spec: dict, number: int) -> dict:
    fields: dict = {"title": spec["title"].strip(), "kind": spec.get("kind") or BacklogItem.Kind.EXPERIMENT}
    if fields["kind"] not in TEST_ITEM_KINDS:
        raise ValidationError({"items": f"Item {number}: choose a kind of work other than epic."})
    points = spec.get("story_points")
    if points not in (None, ""):
        try:
            fields["story_points"] = Decimal(str(points))
        except (InvalidOperation, ValueError):
            raise ValidationError({"items": f"Item {number}: {points!r} is not a number of points."}) from None
    return fields
