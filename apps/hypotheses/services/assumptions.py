"""Changes to assumptions, on a sprint or on a hypothesis. A wrong
assumption's extra work becomes backlog items (through the backlog's
services), linked back to the assumption.

These functions enforce the business rules; who may call them was checked at
the door (apps.hypotheses.access, and the right to plan the sprint when
follow-ups go into it)."""

from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.backlog.models import BacklogItem
from apps.backlog.services import item_create
from apps.core.versions import refuse_if_stale
from apps.hypotheses.models import Assumption, Hypothesis
from apps.sprints.models import Sprint, SprintStage
from apps.sprints.services import sprint_item_add

INTO_SPRINT = "sprint"
INTO_BACKLOG = "backlog"
PLACES = {INTO_SPRINT: "Into this sprint", INTO_BACKLOG: "Into the backlog"}
FOLLOW_UP_FIELDS = frozenset({"story_points", "estimate_optimistic", "estimate_likely", "estimate_pessimistic"})


@transaction.atomic
def assumption_record(
    *, actor: User, text: str, category: str, sprint: Sprint | None = None, hypothesis: Hypothesis | None = None
) -> Assumption:
    """Write down something the plan of `sprint`, or `hypothesis`, takes for granted (one of the two)."""
    if (sprint is None) == (hypothesis is None):
        raise ValidationError("An assumption belongs to a sprint or to a hypothesis.")
    if sprint is not None and sprint.is_closed:
        raise ValidationError(f"{sprint.name} is closed; record assumptions on a sprint that is still open.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Say what you assume."})
    if category not in Assumption.Category.values:
        raise ValidationError({"category": f"Choose one of: {', '.join(Assumption.Category.values)}."})
    return Assumption.objects.create(
        product_id=sprint.product_id if sprint is not None else cast(Hypothesis, hypothesis).product_id,
        sprint=sprint,
        hypothesis=hypothesis,
        text=text[:500],
        category=category,
        created_by=actor,
    )


@transaction.atomic
def assumption_mark_held(
    *, actor: User, assumption: Assumption, note: str = "", expected_version: int | None = None
) -> Assumption:
    assumption = _lock(assumption, expected_version)
    if assumption.status != Assumption.Status.OPEN:
        raise ValidationError(f"This assumption was already marked {assumption.get_status_display().lower()}.")
    return _record_outcome(assumption, actor=actor, status=Assumption.Status.HELD, note=note)


@transaction.atomic
def assumption_mark_wrong(
    *,
    actor: User,
    assumption: Assumption,
    note: str,
    follow_ups: list[dict],
    place: str = INTO_BACKLOG,
    stage: SprintStage | None = None,
    expected_version: int | None = None,
) -> Assumption:
    """Record that the assumption proved wrong and what the extra work is.

    Each follow-up (a dict with title, optional kind and estimate fields)
    becomes a backlog item linked to the assumption, placed at the top of the
    backlog or into the assumption's sprint while it is open (the caller has
    checked that the actor may plan that sprint). An assumption of a
    hypothesis puts its follow-ups in the backlog.
    """
    assumption = _lock(assumption, expected_version)
    if assumption.status == Assumption.Status.WRONG:
        raise ValidationError("This assumption was already marked wrong.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say what turned out to be the case."})
    if place not in PLACES:
        raise ValidationError({"place": f"Place the follow-ups {' or '.join(repr(p) for p in PLACES)}."})
    into: Sprint | None = None
    if place == INTO_SPRINT:
        into = assumption.sprint
        if into is None or into.is_closed:
            raise ValidationError({"place": "The assumption's sprint is not open; put the follow-ups in the backlog."})
    for number, spec in enumerate(follow_ups, start=1):
        fields = _follow_up_fields(spec, number)
        item = item_create(actor=actor, product=assumption.product, at_top=True, **fields)
        assumption.follow_up_items.add(item)
        if into is not None:
            sprint_item_add(actor=actor, sprint=into, item=item, stage=stage)
    return _record_outcome(assumption, actor=actor, status=Assumption.Status.WRONG, note=note)


def _follow_up_fields(spec: dict, number: int) -> dict:
    title = (spec.get("title") or "").strip()
    if not title:
        raise ValidationError({"follow_ups": f"Follow-up {number} needs a title."})
    fields = {"title": title, "kind": spec.get("kind") or BacklogItem.Kind.TASK}
    if fields["kind"] not in BacklogItem.Kind.values or fields["kind"] == BacklogItem.Kind.EPIC:
        raise ValidationError({"follow_ups": f"Follow-up {number}: choose a kind of work other than epic."})
    for name in FOLLOW_UP_FIELDS:
        value = spec.get(name)
        if value not in (None, ""):
            try:
                fields[name] = Decimal(str(value))
            except ArithmeticError:
                raise ValidationError({"follow_ups": f"Follow-up {number}: {value!r} is not a number."}) from None
    return fields


def _lock(assumption: Assumption, expected_version: int | None) -> Assumption:
    current = (
        Assumption.objects.select_for_update(of=("self",)).select_related("sprint", "product").get(pk=assumption.pk)
    )
    refuse_if_stale(current, expected_version, label=f"The assumption “{current.text}”")
    if current.sprint is not None and current.sprint.is_closed:
        raise ValidationError(f"{current.sprint.name} is closed; its assumptions are part of its record.")
    return current


def _record_outcome(assumption: Assumption, *, actor: User, status: str, note: str) -> Assumption:
    """What checking the assumption showed: its new status, the note, who checked it and when."""
    assumption.status = status
    assumption.outcome_note = (note or "").strip()
    assumption.checked_at = timezone.now()
    assumption.checked_by = actor
    assumption.version += 1
    assumption.save(update_fields=["status", "outcome_note", "checked_at", "checked_by", "version"])
    return assumption
