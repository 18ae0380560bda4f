"""Every change to sprints goes through these functions; the HTML views, the
API, the demo and other apps share them. Each is atomic and takes the acting
user. They enforce the business rules (workflow, dates, versions); who may do
what was checked at the door, by the callers' access functions (apps.sprints.access)."""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import TEAM, role_in
from apps.backlog import workflow
from apps.backlog.models import BacklogItem
from apps.backlog.services import item_set_status
from apps.core.versions import refuse_if_stale
from apps.products.models import Product
from apps.sprints import events, metrics, selectors
from apps.sprints.models import (
    ExitCriterion,
    PersonCapacity,
    ScopeEvent,
    Sprint,
    SprintItem,
    SprintSettings,
    SprintStage,
    StageTemplate,
)
from apps.sprints.stages import criteria_lines, lay_out

MAX_SPRINT_DAYS = 8 * 7
Outcome = SprintItem.Outcome
Status = Sprint.Status


# --- Sprints ------------------------------------------------------------------


@transaction.atomic
def sprint_create(
    *,
    actor: User,
    product: Product,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    goal: str = "",
    kind: str = Sprint.Kind.STANDARD,
    capacity_points: Decimal | None = None,
) -> Sprint:
    """Plan a new sprint; a staged one gets the product's stage template laid over its dates."""
    _lock_product(product)
    sprint = Sprint(
        product=product,
        name=(name or "").strip(),
        goal=goal,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        capacity_points=capacity_points,
        created_by=actor,
    )
    _validate_sprint(sprint)
    sprint.save()
    if sprint.is_staged:
        plans = selectors.stage_plans(product)
        spans = lay_out([plan.days for plan in plans], start_date, end_date)
        for position, (plan, (first, last)) in enumerate(zip(plans, spans, strict=True)):
            stage = SprintStage.objects.create(
                sprint=sprint, position=position, name=plan.name, goal=plan.goal, start_date=first, end_date=last
            )
            ExitCriterion.objects.bulk_create(
                ExitCriterion(stage=stage, text=text, position=n) for n, text in enumerate(plan.exit_criteria)
            )
    return sprint


SPRINT_EDITABLE = frozenset({"name", "goal", "start_date", "end_date", "capacity_points"})


@transaction.atomic
def sprint_update(*, actor: User, sprint: Sprint, expected_version: int | None = None, **changes) -> Sprint:
    """Change a sprint's name, goal, dates or capacity. Its kind stays what it
    was created as (a staged sprint's stages are made then); sending the same
    kind again is no change."""
    kind = changes.pop("kind", None)
    unknown = set(changes) - SPRINT_EDITABLE
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    _lock_product(sprint.product)
    sprint = _lock_sprint(sprint, expected_version)
    if kind is not None and kind != sprint.kind:
        raise ValidationError({"kind": "The kind of a sprint is chosen when it is created."})
    if sprint.is_closed:
        raise ValidationError(f"{sprint.name} is closed; its plan and figures no longer change.")
    if sprint.status == Status.ACTIVE and changes.get("start_date", sprint.start_date) != sprint.start_date:
        raise ValidationError({"start_date": f"{sprint.name} has started; its start date is fixed."})
    if "capacity_points" in changes and sprint.capacities.exists():
        raise ValidationError(
            {"capacity_points": "The team capacity is the sum of the per-person capacities; change those instead."}
        )
    old_dates = (sprint.start_date, sprint.end_date)
    for field, value in changes.items():
        setattr(sprint, field, value.strip() if field == "name" else value)
    _validate_sprint(sprint)
    sprint.version += 1
    sprint.save()
    if sprint.is_staged and old_dates != (sprint.start_date, sprint.end_date):
        _fit_stages(sprint)
    return sprint


@transaction.atomic
def sprint_set_capacity(
    *, actor: User, sprint: Sprint, capacities: list[tuple[User, Decimal, int]], expected_version: int | None = None
) -> Sprint:
    """Record what each person can take on; the team capacity becomes their sum, less days off.
    The capacities are part of the sprint: an edit based on an older version of it is refused."""
    sprint = _lock_sprint(sprint, expected_version)
    if sprint.is_closed:
        raise ValidationError(f"{sprint.name} is closed; its capacity no longer changes.")
    working_days = selectors.working_days(sprint.start_date, sprint.end_date)
    rows, seen = [], set()
    for person, points, days_off in capacities:
        if person.pk in seen:
            raise ValidationError({"capacities": f"{person} is listed twice."})
        seen.add(person.pk)
        if role_in(person, sprint.product_id) not in TEAM:
            raise ValidationError({"capacities": f"{person} is not in the product's team."})
        if points is None or points < 0:
            raise ValidationError({"capacities": f"Points of {person} must be zero or more."})
        if days_off < 0 or days_off > working_days:
            raise ValidationError(
                {"capacities": f"{person} cannot take {days_off} days off in a sprint of {working_days} working days."}
            )
        rows.append(PersonCapacity(sprint=sprint, person=person, points=points, days_off=days_off))
    PersonCapacity.objects.filter(sprint=sprint).delete()
    PersonCapacity.objects.bulk_create(rows)
    if rows:
        sprint.capacity_points = sum(
            (selectors.effective_capacity(row.points, row.days_off, working_days) for row in rows), Decimal(0)
        )
    sprint.version += 1
    sprint.save(update_fields=["capacity_points", "version"])
    return sprint


@transaction.atomic
def sprint_start(
    *, actor: User, sprint: Sprint, expected_version: int | None = None, move_dates_to_today: bool = False
) -> Sprint:
    """Start the sprint: what is in it now is what the team committed to.

    A sprint planned to start later may start early; with `move_dates_to_today`
    its dates move to start today, keeping its length (and its stages' proportions)."""
    _lock_product(sprint.product)
    sprint = _lock_sprint(sprint, expected_version)
    if sprint.status != Status.PLANNED:
        raise ValidationError(f"{sprint.name} is already {sprint.get_status_display().lower()}.")
    today = timezone.localdate()
    if move_dates_to_today and sprint.start_date > today:
        shift = sprint.start_date - today
        sprint.start_date, sprint.end_date = today, sprint.end_date - shift
        _validate_sprint(sprint)
        sprint.save(update_fields=["start_date", "end_date"])
        if sprint.is_staged:
            _shift_stages(sprint, shift)
    if not _parallel_allowed(sprint.product):
        running = Sprint.objects.filter(product_id=sprint.product_id, status=Status.ACTIVE).first()
        if running is not None:
            raise ValidationError(
                f"{running.name} is still active; close it first (or the product manager may allow parallel sprints)."
            )
    entries = list(SprintItem.objects.filter(sprint=sprint).select_related("item"))
    finished = [entry.item for entry in entries if entry.item.status not in workflow.OPEN]
    if finished:
        raise ValidationError(
            f"Only open work can be committed; take {_numbers(finished)} out of the sprint before starting it."
        )
    now = timezone.now()
    for entry in entries:
        entry.points = metrics.points_of(entry.item.expected_points)
        entry.committed = True
    SprintItem.objects.bulk_update(entries, ["points", "committed"])
    ScopeEvent.objects.bulk_create(
        ScopeEvent(
            sprint=sprint, sprint_item=entry, kind=ScopeEvent.Kind.COMMITTED, points=entry.points, happened_at=now
        )
        for entry in entries
    )
    sprint.status = Status.ACTIVE
    sprint.started_at = now
    sprint.version += 1
    sprint.save(update_fields=["status", "started_at", "version"])
    return sprint


class CloseDecision(TextChoices):
    """What becomes of an unfinished item when its sprint closes."""

    CARRY_OVER = "carry_over", "Carry over to the next sprint"
    RETURN_TO_BACKLOG = "backlog", "Return to the backlog"


CARRY_OVER = CloseDecision.CARRY_OVER
RETURN_TO_BACKLOG = CloseDecision.RETURN_TO_BACKLOG


@transaction.atomic
def sprint_close(
    *,
    actor: User,
    sprint: Sprint,
    decisions: dict[int, str],
    next_sprint: Sprint | None = None,
    expected_version: int | None = None,
) -> tuple[Sprint, Sprint | None]:
    """Close an active sprint. Every unfinished item (by backlog item id) is
    carried over to `next_sprint` (a planned sprint; one is planned right after
    this one when none is given) or returned to the backlog. The sprint's
    figures and burndown are frozen. Returns the sprint and the next sprint."""
    _lock_product(sprint.product)
    sprint = _lock_sprint(sprint, expected_version)
    if sprint.status != Status.ACTIVE:
        raise ValidationError(
            f"{sprint.name} is already closed." if sprint.is_closed else f"{sprint.name} has not started yet."
        )
    open_stages = [stage.name for stage in sprint.stages.all() if not stage.is_closed]
    if open_stages:
        raise ValidationError(f"Close every stage first: {', '.join(open_stages)} still open.")
    entries = list(SprintItem.objects.filter(sprint=sprint, outcome=Outcome.OPEN).select_related("item"))
    unfinished = {entry.item_id: entry for entry in entries if entry.is_unfinished}
    _check_decisions(decisions, unfinished)
    carried = [entry for item_id, entry in unfinished.items() if decisions[item_id] == CARRY_OVER]
    if carried:
        next_sprint = _next_sprint_for(actor=actor, sprint=sprint, chosen=next_sprint)
    for entry in entries:
        if entry.item.status == BacklogItem.Status.DONE:
            entry.outcome = Outcome.FINISHED
        elif entry.item_id in unfinished and decisions[entry.item_id] == CARRY_OVER:
            entry.outcome = Outcome.CARRIED_OVER
        else:
            entry.outcome = Outcome.DROPPED
    SprintItem.objects.bulk_update(entries, ["outcome"])
    now = timezone.now()
    SprintItem.objects.bulk_create(
        SprintItem(
            sprint=next_sprint,
            item=entry.item,
            points=metrics.points_of(entry.item.expected_points),
            added_at=now,
            added_by=actor,
            carried_from=entry,
        )
        for entry in carried
    )
    figures = selectors.sprint_figures(sprint)
    sprint.burndown = selectors.sprint_burndown(sprint)
    sprint.committed_points = figures.committed
    sprint.added_points = figures.added
    sprint.removed_points = figures.removed
    sprint.completed_points = figures.completed
    sprint.completed_committed_points = figures.completed_committed
    sprint.carried_over_points = figures.carried_over
    sprint.dropped_points = figures.dropped
    sprint.status = Status.CLOSED
    sprint.closed_at = now
    sprint.closed_by = actor
    sprint.version += 1
    sprint.save()
    events.sprint_closed(sprint=sprint, actor=actor)
    return sprint, (next_sprint if carried else None)


@transaction.atomic
def sprint_review_save(
    *, actor: User, sprint: Sprint, goal_met: bool | None, review_notes: str, expected_version: int | None = None
) -> Sprint:
    """Record the review: whether the goal was met and the feedback heard. Figures are untouched."""
    sprint = _lock_sprint(sprint, expected_version)
    if sprint.status == Status.PLANNED:
        raise ValidationError(f"{sprint.name} has not started; review it once there is work to show.")
    sprint.goal_met = goal_met
    sprint.review_notes = review_notes or ""
    sprint.version += 1
    sprint.save(update_fields=["goal_met", "review_notes", "version"])
    return sprint


@transaction.atomic
def sprint_settings_set(*, actor: User, product: Product, allow_parallel_sprints: bool) -> SprintSettings:
    settings, _ = SprintSettings.objects.select_for_update().get_or_create(product=product)
    settings.allow_parallel_sprints = allow_parallel_sprints
    settings.save(update_fields=["allow_parallel_sprints"])
    return settings


WIP_LIMIT_MAX = 999


@transaction.atomic
def wip_limits_set(*, actor: User, product: Product, limits: dict[str, int | None]) -> SprintSettings:
    """Set the board's work-in-progress limits, column by column (None: no limit).
    A limit is a warning on the board, never a refusal to move a card."""
    columns = {str(status) for status in selectors.BOARD_COLUMNS}
    clean: dict[str, int] = {}
    for column, limit in limits.items():
        if column not in columns:
            raise ValidationError({"wip_limits": f"The board has no column “{column}”."})
        if limit is None:
            continue
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= WIP_LIMIT_MAX:
            label = BacklogItem.Status(column).label
            message = f"The limit of {label} must be a whole number from 1 to {WIP_LIMIT_MAX}."
            raise ValidationError({"wip_limits": message})
        clean[column] = limit
    settings, _ = SprintSettings.objects.select_for_update().get_or_create(product=product)
    settings.wip_limits = clean
    settings.save(update_fields=["wip_limits"])
    return settings


# --- Sprint items -------------------------------------------------------------


@transaction.atomic
def sprint_item_add(*, actor: User, sprint: Sprint, item: BacklogItem, stage: SprintStage | None = None) -> SprintItem:
    """Pull a backlog item into a sprint (into a stage of a staged sprint).

    Before the start this is planning. Once running it is a change of scope,
    except in a staged sprint while its first stage is open: planning the
    later stages then is part of the plan, so those items count as committed.
    """
    sprint = _lock_sprint(sprint, None)
    if sprint.is_closed:
        raise ValidationError(f"{sprint.name} is closed; nothing can be added to it.")
    if item.product_id != sprint.product_id:
        raise ValidationError({"item": "No such item in this product's backlog."})
    item = BacklogItem.objects.select_for_update().get(pk=item.pk)
    if item.kind == BacklogItem.Kind.EPIC:
        raise ValidationError({"item": f"#{item.number} is an epic; plan its stories instead."})
    if item.status not in workflow.OPEN:
        raise ValidationError(
            {"item": f"#{item.number} is {item.get_status_display().lower()}; only open work can be planned."}
        )
    stage = _check_stage(sprint, stage)
    elsewhere = SprintItem.objects.filter(item=item, outcome=Outcome.OPEN).select_related("sprint").first()
    if elsewhere is not None:
        where = "this sprint" if elsewhere.sprint_id == sprint.pk else elsewhere.sprint.name
        raise ValidationError({"item": f"#{item.number} is already in {where}."})
    now = timezone.now()
    running = sprint.status == Status.ACTIVE
    entry = SprintItem.objects.filter(sprint=sprint, item=item).first() or SprintItem(sprint=sprint, item=item)
    entry.stage = stage
    entry.points = metrics.points_of(item.expected_points)
    entry.committed = running and stage is not None and stage.position > 0 and _first_stage_open(sprint)
    entry.outcome = Outcome.OPEN
    entry.added_at = now
    entry.added_by = actor
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError({"item": f"#{item.number} was just planned into another sprint."}) from None
    if running:
        ScopeEvent.objects.create(
            sprint=sprint, sprint_item=entry, kind=ScopeEvent.Kind.ADDED, points=entry.points, happened_at=now
        )
    return entry


@transaction.atomic
def sprint_item_remove(*, actor: User, entry: SprintItem) -> None:
    """Take an item out of a sprint. Before the start it simply leaves; in a
    running sprint it is recorded as removed scope."""
    sprint = _lock_sprint(entry.sprint, None)
    entry = SprintItem.objects.select_for_update().select_related("item").get(pk=entry.pk)
    if sprint.is_closed:
        raise ValidationError(f"{sprint.name} is closed; its items stay as they were.")
    if entry.outcome != Outcome.OPEN:
        raise ValidationError(f"#{entry.item.number} is no longer in {sprint.name}.")
    if sprint.status == Status.PLANNED:
        entry.delete()
        return
    if entry.item.status == BacklogItem.Status.DONE:
        raise ValidationError(f"#{entry.item.number} is finished; finished work stays in the sprint.")
    entry.outcome = Outcome.REMOVED
    entry.save(update_fields=["outcome"])
    ScopeEvent.objects.create(
        sprint=sprint, sprint_item=entry, kind=ScopeEvent.Kind.REMOVED, points=entry.points, happened_at=timezone.now()
    )


@transaction.atomic
def sprint_item_assign_stage(*, actor: User, entry: SprintItem, stage: SprintStage | None) -> SprintItem:
    sprint = _lock_sprint(entry.sprint, None)
    if sprint.is_closed:
        raise ValidationError(f"{sprint.name} is closed; its items stay as they were.")
    entry.stage = _check_stage(sprint, stage)
    entry.save(update_fields=["stage"])
    return entry


def sprint_item_move(
    *, actor: User, entry: SprintItem, status: str, expected_version: int | None = None
) -> BacklogItem:
    """A card moved on the board: only the open items of a running sprint move
    there; the backlog's workflow decides whether the item may take `status`
    (item_set_status is the one write, and atomic)."""
    sprint = entry.sprint
    if sprint.status != Status.ACTIVE:
        raise ValidationError(f"{sprint.name} is not running; its board cannot change.")
    if entry.outcome != Outcome.OPEN:
        raise ValidationError(f"#{entry.item.number} is no longer on the board of {sprint.name}.")
    return item_set_status(actor=actor, item=entry.item, status=status, expected_version=expected_version)


@transaction.atomic
def sprint_item_record_finding(*, actor: User, entry: SprintItem, finding: str) -> SprintItem:
    """What an experiment or analysis answered: it counts as delivered in the review."""
    entry = SprintItem.objects.select_for_update().get(pk=entry.pk)
    entry.finding = (finding or "").strip()
    entry.save(update_fields=["finding"])
    return entry


def record_status_change(*, item, old_status: str, new_status: str, actor) -> None:
    """Backlog status listener: finishing, reopening, dropping or restoring an
    item of an active sprint is a burndown event of that sprint."""
    if old_status in workflow.OPEN and new_status == BacklogItem.Status.DONE:
        kind = ScopeEvent.Kind.FINISHED
    elif old_status == BacklogItem.Status.DONE and new_status in workflow.OPEN:
        kind = ScopeEvent.Kind.REOPENED
    elif old_status in workflow.OPEN and new_status == BacklogItem.Status.DROPPED:
        kind = ScopeEvent.Kind.REMOVED
    elif old_status == BacklogItem.Status.DROPPED and new_status in workflow.OPEN:
        kind = ScopeEvent.Kind.ADDED
    else:
        return
    entry = SprintItem.objects.filter(item=item, outcome=Outcome.OPEN, sprint__status=Status.ACTIVE).first()
    if entry is not None:
        ScopeEvent.objects.create(
            sprint_id=entry.sprint_id, sprint_item=entry, kind=kind, points=entry.points, happened_at=timezone.now()
        )


# --- Stages -------------------------------------------------------------------


@transaction.atomic
def stage_update(
    *,
    actor: User,
    stage: SprintStage,
    name: str,
    goal: str,
    start_date: datetime.date,
    end_date: datetime.date,
    expected_version: int | None = None,
) -> SprintStage:
    """Rename a stage, change its goal or move its dates within the sprint and between its neighbours,
    refusing the edit if someone changed the stage since `expected_version`."""
    sprint = _lock_sprint(stage.sprint, None)
    stage = SprintStage.objects.select_for_update().get(pk=stage.pk)
    refuse_if_stale(stage, expected_version, label=stage.name)
    if stage.is_closed or sprint.is_closed:
        raise ValidationError(f"{stage.name} is closed; it no longer changes.")
    stage.name, stage.goal = (name or "").strip(), goal or ""
    stage.start_date, stage.end_date = start_date, end_date
    if not stage.name:
        raise ValidationError({"name": "A stage needs a name."})
    if end_date < start_date:
        raise ValidationError({"end_date": "A stage cannot end before it starts."})
    if start_date < sprint.start_date or end_date > sprint.end_date:
        raise ValidationError(
            {"start_date": f"A stage lies within its sprint ({sprint.start_date} to {sprint.end_date})."}
        )
    neighbours = SprintStage.objects.filter(sprint=sprint).exclude(pk=stage.pk)
    before = neighbours.filter(position__lt=stage.position).order_by("-position").first()
    after = neighbours.filter(position__gt=stage.position).order_by("position").first()
    if before is not None and start_date <= before.end_date:
        raise ValidationError({"start_date": f"Starts before {before.name} ends ({before.end_date})."})
    if after is not None and end_date >= after.start_date:
        raise ValidationError({"end_date": f"Ends after {after.name} starts ({after.start_date})."})
    stage.version += 1
    stage.save(update_fields=["name", "goal", "start_date", "end_date", "version"])
    return stage


class StageLeftover(TextChoices):
    """What becomes of a stage's unfinished items when it closes."""

    NEXT_STAGE = "next_stage", "Move them to the next stage"
    SPRINT = "sprint", "Keep them in the sprint (decide when the sprint closes)"
    BACKLOG = "backlog", "Return them to the backlog"


@transaction.atomic
def stage_close(*, actor: User, stage: SprintStage, override_reason: str = "", unfinished: str = "") -> SprintStage:
    """Close a stage once its exit criteria are met, or with a reason for closing anyway.

    Unfinished items of the stage need a decision (`unfinished`, a StageLeftover):
    on to the next open stage, kept in the sprint for its close, or back to the backlog."""
    sprint = _lock_sprint(stage.sprint, None)
    stage = SprintStage.objects.select_for_update().get(pk=stage.pk)
    if sprint.status != Status.ACTIVE:
        raise ValidationError(
            f"{sprint.name} is {sprint.get_status_display().lower()}; only a running sprint's stages close."
        )
    if stage.is_closed:
        raise ValidationError(f"{stage.name} is already closed.")
    earlier = SprintStage.objects.filter(sprint=sprint, position__lt=stage.position, closed_at__isnull=True).first()
    if earlier is not None:
        raise ValidationError(f"Close {earlier.name} first: stages close in order.")
    unmet = list(stage.exit_criteria.filter(met=False).values_list("text", flat=True))
    override_reason = (override_reason or "").strip()
    if unmet and not override_reason:
        raise ValidationError(
            {
                "override_reason": f"Not met yet: {'; '.join(unmet)}. "
                "Tick them, or give a reason to close the stage anyway."
            }
        )
    # The stage's burndown is frozen as it stood, before its leftovers move on.
    stage.burndown = selectors.stage_burndown(stage)
    _settle_leftovers(actor=actor, sprint=sprint, stage=stage, decision=unfinished)
    stage.closed_at = timezone.now()
    stage.closed_by = actor
    stage.override_reason = override_reason if unmet else ""
    stage.version += 1
    stage.save(update_fields=["burndown", "closed_at", "closed_by", "override_reason", "version"])
    return stage


def _settle_leftovers(*, actor: User, sprint: Sprint, stage: SprintStage, decision: str) -> None:
    entries = SprintItem.objects.filter(stage=stage, outcome=Outcome.OPEN).select_related("item")
    leftovers = [entry for entry in entries if entry.is_unfinished]
    if not leftovers:
        return
    later = (
        SprintStage.objects.filter(sprint=sprint, position__gt=stage.position, closed_at__isnull=True)
        .order_by("position")
        .first()
    )
    count = f"{len(leftovers)} item{'s' if len(leftovers) != 1 else ''} of {stage.name}"
    if not decision:
        where = f"move them to {later.name}, keep" if later else "keep"
        raise ValidationError(
            {
                "unfinished": f"{count} {'is' if len(leftovers) == 1 else 'are'} not finished "
                f"({_numbers(entry.item for entry in leftovers)}): {where} them in the sprint, "
                "or return them to the backlog?"
            }
        )
    if decision not in StageLeftover.values:
        raise ValidationError({"unfinished": f"Choose one of: {', '.join(StageLeftover.values)}."})
    if decision == StageLeftover.NEXT_STAGE:
        if later is None:
            raise ValidationError(
                {"unfinished": f"{stage.name} is the last stage: keep the items in the sprint or return them."}
            )
        SprintItem.objects.filter(pk__in=[entry.pk for entry in leftovers]).update(stage=later)
    elif decision == StageLeftover.BACKLOG:
        now = timezone.now()
        SprintItem.objects.filter(pk__in=[entry.pk for entry in leftovers]).update(outcome=Outcome.REMOVED)
        ScopeEvent.objects.bulk_create(
            ScopeEvent(
                sprint=sprint, sprint_item=entry, kind=ScopeEvent.Kind.REMOVED, points=entry.points, happened_at=now
            )
            for entry in leftovers
        )


@transaction.atomic
def exit_criterion_add(*, actor: User, stage: SprintStage, text: str) -> ExitCriterion:
    stage = SprintStage.objects.select_for_update().get(pk=stage.pk)
    _check_stage_open(stage)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the criterion."})
    position = stage.exit_criteria.count()
    return ExitCriterion.objects.create(stage=stage, text=text[:300], position=position)


@transaction.atomic
def exit_criterion_set(*, actor: User, criterion: ExitCriterion, met: bool) -> ExitCriterion:
    stage = SprintStage.objects.select_for_update().get(pk=criterion.stage_id)
    _check_stage_open(stage)
    criterion.met = met
    criterion.met_by = actor if met else None
    criterion.save(update_fields=["met", "met_by"])
    return criterion


@transaction.atomic
def stage_template_save(*, actor: User, product: Product, stages: list[dict]) -> list[StageTemplate]:
    """Replace the product's stage template. Each stage: name, days, goal, exit_criteria (one per line)."""
    if not stages:
        raise ValidationError("A stage template needs at least one stage.")
    rows = []
    for position, spec in enumerate(stages):
        name = (spec.get("name") or "").strip()
        if not name:
            raise ValidationError({"name": f"Stage {position + 1} needs a name."})
        days = spec.get("days")
        if not isinstance(days, int) or days < 1:
            raise ValidationError({"days": f"{name} must last at least one day."})
        rows.append(
            StageTemplate(
                product=product,
                position=position,
                name=name,
                days=days,
                goal=spec.get("goal") or "",
                exit_criteria="\n".join(criteria_lines(spec.get("exit_criteria", ""))),
            )
        )
    _lock_product(product)
    StageTemplate.objects.filter(product=product).delete()
    return StageTemplate.objects.bulk_create(rows)


# --- Helpers ------------------------------------------------------------------


def _lock_product(product: Product) -> None:
    # Serialises date-overlap checks and sprint starts within one product.
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").first()


def _lock_sprint(sprint: Sprint, expected_version: int | None) -> Sprint:
    current = Sprint.objects.select_for_update().select_related("product").get(pk=sprint.pk)
    refuse_if_stale(current, expected_version, label=current.name)
    return current


def _parallel_allowed(product: Product) -> bool:
    return SprintSettings.objects.filter(product=product, allow_parallel_sprints=True).exists()


def _validate_sprint(sprint: Sprint) -> None:
    if not sprint.name:
        raise ValidationError({"name": "A sprint needs a name."})
    if sprint.kind not in Sprint.Kind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(Sprint.Kind.values)}."})
    if sprint.start_date is None or sprint.end_date is None:
        raise ValidationError({"start_date": "A sprint needs a start and an end date."})
    if sprint.end_date < sprint.start_date:
        raise ValidationError({"end_date": "A sprint cannot end before it starts."})
    if sprint.length_days > MAX_SPRINT_DAYS:
        raise ValidationError({"end_date": f"A sprint lasts at most {MAX_SPRINT_DAYS // 7} weeks."})
    if sprint.capacity_points is not None and sprint.capacity_points < 0:
        raise ValidationError({"capacity_points": "Capacity cannot be negative."})
    if not _parallel_allowed(sprint.product):
        overlapping = (
            Sprint.objects.filter(
                product_id=sprint.product_id, start_date__lte=sprint.end_date, end_date__gte=sprint.start_date
            )
            .exclude(pk=sprint.pk)
            .order_by("start_date")
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                {
                    "start_date": f"These dates overlap {overlapping.name} ({overlapping.start_date:%d %b} – "
                    f"{overlapping.end_date:%d %b %Y}). Choose other dates, or the product manager may allow "
                    "parallel sprints."
                }
            )


def _fit_stages(sprint: Sprint) -> None:
    """Lay the stages of a sprint whose dates changed over its new dates, keeping their proportions."""
    stages = list(sprint.stages.all())
    open_stages = [stage for stage in stages if not stage.is_closed]
    closed_until = max((stage.end_date for stage in stages if stage.is_closed), default=None)
    first_free = closed_until + datetime.timedelta(days=1) if closed_until else sprint.start_date
    if closed_until is not None and closed_until > sprint.end_date:
        raise ValidationError({"end_date": f"Closed stages run until {closed_until}; the sprint cannot end earlier."})
    if not open_stages:
        return
    if first_free > sprint.end_date:
        raise ValidationError({"end_date": "No days are left for the stages that are still open."})
    lengths = [(stage.end_date - stage.start_date).days + 1 for stage in open_stages]
    spans = lay_out(lengths, max(first_free, sprint.start_date), sprint.end_date)
    for stage, (first, last) in zip(open_stages, spans, strict=True):
        stage.start_date, stage.end_date = first, last
        stage.version += 1
    SprintStage.objects.bulk_update(open_stages, ["start_date", "end_date", "version"])


def _shift_stages(sprint: Sprint, shift: datetime.timedelta) -> None:
    stages = list(sprint.stages.all())
    for stage in stages:
        stage.start_date -= shift
        stage.end_date -= shift
        stage.version += 1
    SprintStage.objects.bulk_update(stages, ["start_date", "end_date", "version"])


def _check_stage(sprint: Sprint, stage: SprintStage | None) -> SprintStage | None:
    if stage is None:
        return None
    stage = SprintStage.objects.filter(pk=stage.pk).first()
    if stage is None or not sprint.is_staged or stage.sprint_id != sprint.pk:
        raise ValidationError({"stage": f"No such stage in {sprint.name}."})
    if stage.is_closed:
        raise ValidationError({"stage": f"{stage.name} is closed; plan the work into a later stage."})
    return stage


def _check_stage_open(stage: SprintStage) -> None:
    if stage.is_closed:
        raise ValidationError(f"{stage.name} is closed; its exit criteria are final.")


def _first_stage_open(sprint: Sprint) -> bool:
    return SprintStage.objects.filter(sprint=sprint, position=0, closed_at__isnull=True).exists()


def _check_decisions(decisions: dict[int, str], unfinished: dict[int, SprintItem]) -> None:
    unknown_items = set(decisions) - set(unfinished)
    if unknown_items:
        raise ValidationError({"decisions": "Decisions were given for items that are not unfinished in this sprint."})
    bad = {value for value in decisions.values() if value not in CloseDecision.values}
    if bad:
        raise ValidationError(
            {"decisions": f"Decide {CARRY_OVER.value!r} or {RETURN_TO_BACKLOG.value!r} for each item."}
        )
    missing = [entry.item for item_id, entry in unfinished.items() if item_id not in decisions]
    if missing:
        raise ValidationError(
            {
                "decisions": "Decide for each unfinished item: carry it over or return it to the backlog "
                f"({_numbers(missing)})."
            }
        )


def _next_sprint_for(*, actor: User, sprint: Sprint, chosen: Sprint | None) -> Sprint:
    if chosen is not None:
        if chosen.product_id != sprint.product_id or chosen.pk == sprint.pk or chosen.status != Status.PLANNED:
            raise ValidationError({"next_sprint": "Carry over into a planned sprint of the same product."})
        return chosen
    start = sprint.end_date + datetime.timedelta(days=1)
    return sprint_create(
        actor=actor,
        product=sprint.product,
        name=_next_name(sprint.name),
        start_date=start,
        end_date=start + (sprint.end_date - sprint.start_date),
        kind=sprint.kind,
        capacity_points=sprint.capacity_points,
    )


def _next_name(name: str) -> str:
    match = re.search(r"(\d+)\s*$", name)
    if match:
        return f"{name[: match.start(1)]}{int(match.group(1)) + 1}"
    return f"{name} (continued)"


def _numbers(items) -> str:
    return ", ".join(f"#{item.number}" for item in items)
