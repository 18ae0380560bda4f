"""Release gates: the product's checklist (the PM's), the model versions
attached to backlog items, the results of each gate and the PM's sign-off.

While a model version is a candidate its item cannot be marked done: the
backlog asks `release_gate_veto` (registered in HypothesesConfig.ready
through apps.backlog.events), so the item page, the board and the API refuse
alike, naming the gates that are open or failed."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.accounts.models import User
from apps.backlog.models import BacklogItem
from apps.core.versions import refuse_if_stale
from apps.hypotheses.models import GateResult, ModelVersion, ReleaseGate
from apps.products.models import Product

GATE_FIELDS = frozenset({"name", "description", "required", "position"})
MODEL_VERSION_FIELDS = frozenset({"name", "notes", "artifact_url"})
Result = GateResult.Result


@dataclass(frozen=True)
class GateState:
    """Where one gate stands for one model version."""

    gate: ReleaseGate
    result: GateResult | None

    @property
    def state(self) -> str:
        return self.result.result if self.result is not None else "open"

    @property
    def blocks(self) -> bool:
        return self.gate.required and self.state != Result.PASS


def gate_states(gates: list[ReleaseGate], results: list[GateResult]) -> list[GateState]:
    """Each active gate of the checklist with the version's result for it (or none yet)."""
    by_gate = {result.gate_id: result for result in results}
    return [GateState(gate=gate, result=by_gate.get(gate.pk)) for gate in gates]


def blocking_reason(model_version: ModelVersion, states: list[GateState]) -> str:
    """Why the version is not released yet ('' once signed off or withdrawn)."""
    if model_version.status != ModelVersion.Status.CANDIDATE:
        return ""
    failed = [s.gate.name for s in states if s.blocks and s.state == Result.FAIL]
    open_ = [s.gate.name for s in states if s.blocks and s.state == "open"]
    parts = []
    if open_:
        parts.append(f"required release gate{'s' if len(open_) > 1 else ''} open: {', '.join(open_)}")
    if failed:
        parts.append(f"failed: {', '.join(failed)}")
    if parts:
        return f"model {model_version.name} has {'; '.join(parts)}"
    return f"model {model_version.name} passed its required release gates but is not signed off by a product manager"


# --- the checklist ------------------------------------------------------------------


@transaction.atomic
def release_gates_set_up(*, actor: User | None, product: Product) -> list[ReleaseGate]:
    """The product's checklist, started from the defaults the first time
    (never again: a PM who removed gates keeps them removed)."""
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").first()
    if not ReleaseGate.objects.filter(product=product).exists():
        ReleaseGate.objects.bulk_create(
            ReleaseGate(product=product, name=name, description=description, required=True, position=position)
            for position, (name, description) in enumerate(ReleaseGate.DEFAULTS, start=1)
        )
    return list(active_gates(product))


def active_gates(product: Product | int):
    return ReleaseGate.objects.filter(product=product, archived_at__isnull=True).order_by("position", "id")


@transaction.atomic
def gate_add(*, actor: User, product: Product, name: str, description: str = "", required: bool = True) -> ReleaseGate:
    release_gates_set_up(actor=actor, product=product)
    last = ReleaseGate.objects.filter(product=product).aggregate(n=Max("position"))["n"] or 0
    gate = ReleaseGate(product=product, name=name, description=description, required=required, position=last + 1)
    _clean_gate(gate)
    gate.save()
    return gate


@transaction.atomic
def gate_update(*, actor: User, gate: ReleaseGate, expected_version: int | None, **changes) -> ReleaseGate:
    unknown = set(changes) - GATE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = ReleaseGate.objects.select_for_update().get(pk=gate.pk)
    refuse_if_stale(current, expected_version, label=f"The gate “{current.name}”")
    if current.archived_at is not None:
        raise ValidationError("This gate was removed from the checklist.")
    for field, value in changes.items():
        setattr(current, field, value)
    _clean_gate(current)
    current.version += 1
    current.save()
    return current


@transaction.atomic
def gate_remove(*, actor: User, gate: ReleaseGate, expected_version: int | None = None) -> None:
    """Take a gate off the checklist; results recorded against it stay."""
    current = ReleaseGate.objects.select_for_update().get(pk=gate.pk)
    refuse_if_stale(current, expected_version, label=f"The gate “{current.name}”")
    current.archived_at = timezone.now()
    current.version += 1
    current.save(update_fields=["archived_at", "version"])


def _clean_gate(gate: ReleaseGate) -> None:
    gate.name = (gate.name or "").strip()
    if not gate.name:
        raise ValidationError({"name": "Name the gate."})
    same = active_gates(gate.product_id).filter(name__iexact=gate.name).exclude(pk=gate.pk)
    if same.exists():
        raise ValidationError({"name": f"The checklist already has a gate “{gate.name}”."})
    try:
        gate.full_clean(exclude=["product"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


# --- model versions -----------------------------------------------------------------


@transaction.atomic
def model_version_register(
    *, actor: User, item: BacklogItem, name: str, notes: str = "", artifact_url: str = ""
) -> ModelVersion:
    """Attach a model version to the backlog item that delivers it; from now
    on the item is done only once the version is signed off (or withdrawn)."""
    if item.status == BacklogItem.Status.DONE:
        raise ValidationError(f"#{item.number} is done already; attach the model to the item that ships it.")
    release_gates_set_up(actor=actor, product=item.product)
    model_version = ModelVersion(
        product_id=item.product_id, item=item, name=name, notes=notes, artifact_url=artifact_url, registered_by=actor
    )
    _clean_model_version(model_version)
    model_version.save()
    return model_version


@transaction.atomic
def model_version_update(
    *, actor: User, model_version: ModelVersion, expected_version: int | None, **changes
) -> ModelVersion:
    unknown = set(changes) - MODEL_VERSION_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = _lock_model_version(model_version, expected_version)
    for field, value in changes.items():
        setattr(current, field, value)
    _clean_model_version(current)
    current.version += 1
    current.save()
    return current


@transaction.atomic
def gate_result_record(
    *,
    actor: User,
    model_version: ModelVersion,
    gate: ReleaseGate,
    result: str,
    evidence: str = "",
    expected_version: int | None = None,
) -> GateResult:
    """Record (or correct) what one gate showed for a candidate version, with who and when."""
    current = _lock_model_version(model_version, expected_version)
    if current.status != ModelVersion.Status.CANDIDATE:
        raise ValidationError(
            f"{current.name} is {current.get_status_display().lower()}; its gate results are part of its record."
        )
    if gate.product_id != current.product_id or gate.archived_at is not None:
        raise ValidationError({"gate": "Choose a gate of this product's checklist."})
    if result not in Result.values:
        raise ValidationError({"result": "Record pass or fail."})
    evidence = (evidence or "").strip()
    if result == Result.FAIL and not evidence:
        raise ValidationError({"evidence": "Say what failed (a link or a note)."})
    # The version's row lock (above) serialises results of one version.
    row = GateResult.objects.filter(model_version=current, gate=gate).first()
    if row is None:
        row = GateResult(model_version=current, gate=gate)
    else:
        row.version += 1
    row.result, row.evidence, row.recorded_by, row.recorded_at = result, evidence, actor, timezone.now()
    row._history_user = actor
    row.save()
    current.version += 1
    current.save(update_fields=["version"])
    return row


@transaction.atomic
def model_version_sign_off(
    *, actor: User, model_version: ModelVersion, note: str = "", expected_version: int | None = None
) -> ModelVersion:
    """The PM's release decision: only once every required gate passed."""
    current = _lock_model_version(model_version, expected_version)
    if current.status != ModelVersion.Status.CANDIDATE:
        raise ValidationError(f"{current.name} is {current.get_status_display().lower()} already.")
    states = gate_states(list(active_gates(current.product_id)), list(current.gate_results.all()))
    blocking = [state for state in states if state.blocks]
    if blocking:
        named = ", ".join(
            f"{state.gate.name} ({'failed' if state.state == Result.FAIL else 'open'})" for state in blocking
        )
        raise ValidationError(f"{current.name} cannot be signed off: every required gate must pass first; {named}.")
    current.status = ModelVersion.Status.SIGNED_OFF
    current.signed_off_by, current.signed_off_at = actor, timezone.now()
    current.sign_off_note = (note or "").strip()
    current.version += 1
    current.save()
    return current


@transaction.atomic
def model_version_withdraw(
    *, actor: User, model_version: ModelVersion, note: str, expected_version: int | None = None
) -> ModelVersion:
    """This version will not ship (its item no longer waits for it)."""
    current = _lock_model_version(model_version, expected_version)
    if current.status != ModelVersion.Status.CANDIDATE:
        raise ValidationError(f"{current.name} is {current.get_status_display().lower()} already.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why this version will not ship."})
    current.status = ModelVersion.Status.WITHDRAWN
    current.sign_off_note = note
    current.version += 1
    current.save()
    return current


def release_gate_veto(*, item: BacklogItem, old_status: str, new_status: str, actor) -> None:
    """Backlog status veto: an item is not done while one of its model versions is a candidate."""
    if new_status != BacklogItem.Status.DONE:
        return
    candidates = list(
        ModelVersion.objects.filter(item=item, status=ModelVersion.Status.CANDIDATE).prefetch_related("gate_results")
    )
    if not candidates:
        return
    gates = list(active_gates(item.product_id))
    reasons = [blocking_reason(mv, gate_states(gates, list(mv.gate_results.all()))) for mv in candidates]
    raise ValidationError({"status": f"#{item.number} cannot be done yet: {'; '.join(reasons)}."})


def _lock_model_version(model_version: ModelVersion, expected_version: int | None) -> ModelVersion:
    current = (
        ModelVersion.objects.select_for_update(of=("self",)).select_related("product", "item").get(pk=model_version.pk)
    )
    refuse_if_stale(current, expected_version, label=current.name)
    return current


def _clean_model_version(model_version: ModelVersion) -> None:
    model_version.name = (model_version.name or "").strip()
    if not model_version.name:
        raise ValidationError({"name": "Name the model version, e.g. churn-gbm 2.3.0."})
    same = ModelVersion.objects.filter(product_id=model_version.product_id, name__iexact=model_version.name)
    if same.exclude(pk=model_version.pk).exists():
        raise ValidationError({"name": f"This product already has a model version “{model_version.name}”."})
    try:
        model_version.full_clean(exclude=["product", "item", "registered_by", "signed_off_by"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
