"""Every change to the roadmap goes through these functions; pages, the API
and the tasks share them. Each is atomic and takes the acting user. Who may
call which one is checked at the door (apps/roadmap/access.py); these enforce
the roadmap's own rules: dates that make sense, links within the product,
order within a horizon, versions against stale edits."""

import datetime
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.backlog import ranking
from apps.backlog.models import BacklogItem
from apps.conversation import services as conversation
from apps.core.versions import refuse_if_stale
from apps.hypotheses.models import Hypothesis
from apps.products.models import OutcomeMetric, Product
from apps.requests.models import StakeholderRequest
from apps.roadmap import forecasting
from apps.roadmap.models import FeedToken, Horizon, Milestone, RoadmapItem, quarter_end
from apps.sprints.models import Sprint

ITEM_FIELDS = frozenset(
    {
        "title",
        "outcome",
        "outcome_metric",
        "horizon",
        "status",
        "start_date",
        "target_date",
        "target_quarter",
        "shared",
        "public_description",
        "internal_notes",
    }
)
LINK_FIELDS = frozenset({"epics", "backlog_items", "requests", "hypotheses"})
# Links that are work: changing them moves the forecast (hypotheses do not).
WORK_LINKS = frozenset({"epics", "backlog_items", "requests"})
MILESTONE_FIELDS = frozenset({"title", "date", "description", "roadmap_item", "sprint", "shared", "reached_at"})
# Days outside these years are typing mistakes (0202 for 2026), not plans.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Requests that were turned down or merged are not work anyone plans.
LINKABLE_REQUESTS = (
    StakeholderRequest.Status.NEW,
    StakeholderRequest.Status.NEEDS_INFO,
    StakeholderRequest.Status.ACCEPTED,
    StakeholderRequest.Status.DELIVERED,
)


# --- Roadmap items ------------------------------------------------------------


@transaction.atomic
def item_create(
    *,
    actor: User,
    product: Product,
    title: str,
    horizon: str = Horizon.NEXT,
    epics: Iterable[BacklogItem] = (),
    backlog_items: Iterable[BacklogItem] = (),
    requests: Iterable[StakeholderRequest] = (),
    hypotheses: Iterable[Hypothesis] = (),
    **fields,
) -> RoadmapItem:
    """Add an item at the bottom of its horizon."""
    _refuse_unknown(fields, ITEM_FIELDS)
    _lock_product(product.pk)
    item = RoadmapItem(product=product, title=(title or "").strip(), horizon=horizon, created_by=actor, **fields)
    _validate_item(item)
    item.rank = ranking.bottom_of(_horizon(product.pk, horizon))
    item.save()
    _set_links(item, epics=epics, backlog_items=backlog_items, requests=requests, hypotheses=hypotheses)
    conversation.watchers_add(target=item, user_ids=[actor.pk])
    _forecast_soon(item)
    return item


@transaction.atomic
def item_update(*, actor: User, item: RoadmapItem, expected_version: int | None, **changes) -> RoadmapItem:
    """Change fields and links of an item, refusing the edit if someone saved
    it since `expected_version`. A change of horizon puts it at the bottom of
    its new horizon. An edit that changes nothing writes nothing."""
    links = {field: changes.pop(field) for field in list(changes) if field in LINK_FIELDS}
    _refuse_unknown(changes, ITEM_FIELDS)
    _lock_product(item.product_id)
    current = RoadmapItem.objects.select_for_update().select_related("product").get(pk=item.pk)
    refuse_if_stale(current, expected_version, label=f"“{current.title}”")
    before = {field: _raw(current, field) for field in changes}
    for field, value in changes.items():
        setattr(current, field, value.strip() if isinstance(value, str) and field == "title" else value)
    _validate_item(current)
    changed = [field for field in changes if _raw(current, field) != before[field]]
    work_changed = _set_links(current, **{field: links[field] for field in WORK_LINKS & set(links)})
    hypotheses_changed = _set_links(current, hypotheses=links["hypotheses"]) if "hypotheses" in links else False
    if not changed and not work_changed and not hypotheses_changed:
        return current
    if "horizon" in changed:
        current.rank = ranking.bottom_of(_horizon(current.product_id, current.horizon).exclude(pk=current.pk))
        changed.append("rank")
    current.version += 1
    current.save(update_fields=[*changed, "version", "updated_at"])
    if work_changed or {"target_date", "target_quarter"} & set(changed):
        _forecast_soon(current)
    return current


@transaction.atomic
def item_move(
    *,
    actor: User,
    item: RoadmapItem,
    horizon: str | None = None,
    before: RoadmapItem | None = None,
    after: RoadmapItem | None = None,
    edge: str | None = None,
) -> RoadmapItem:
    """Place the item right before or after another item (taking that item's
    horizon), or at the top or bottom of `horizon` (its own when not given).
    Writes the item's rank and horizon only, unless the neighbourhood is so
    crowded that it must be spread out (apps.backlog.ranking)."""
    if sum(place is not None for place in (before, after, edge)) != 1:
        raise ValidationError("Say where to move the item: before or after another item, or to the top or bottom.")
    if edge is not None and edge not in ("top", "bottom"):
        raise ValidationError({"to": f"Move to 'top' or 'bottom', not {edge!r}."})
    anchor = before or after
    if anchor is not None:
        if anchor.product_id != item.product_id:
            raise ValidationError("An item can only be moved among the items of its own product's roadmap.")
        if horizon is not None and horizon != anchor.horizon:
            raise ValidationError({"horizon": f"“{anchor.title}” is in {anchor.get_horizon_display()}, not {horizon}."})
    _lock_product(item.product_id)
    current = RoadmapItem.objects.select_for_update().select_related("product").get(pk=item.pk)
    if anchor is not None:
        anchor = RoadmapItem.objects.filter(pk=anchor.pk, product_id=current.product_id).first()
        if anchor is None:
            raise ValidationError("The item to move next to is no longer on this roadmap.")
    target = anchor.horizon if anchor is not None else (horizon or current.horizon)
    if target not in Horizon.values:
        raise ValidationError({"horizon": f"Unknown horizon {target!r}; choose one of {', '.join(Horizon.values)}."})
    scope = _horizon(current.product_id, target)
    if target != current.horizon:
        # Into the new horizon first (at its end, a free rank), then to its place there.
        current.horizon = target
        current.rank = ranking.bottom_of(scope)
        current.version += 1
        current.save(update_fields=["horizon", "rank", "version", "updated_at"])
    if anchor is not None and anchor.pk != current.pk:
        rank = ranking.rank_next_to(scope, moving_pk=current.pk, anchor_rank=anchor.rank, before=before is not None)
    elif edge == "top":
        others = scope.exclude(pk=current.pk)
        rank = ranking.top_of(others) if others.filter(rank__lte=current.rank).exists() else current.rank
    elif edge == "bottom":
        others = scope.exclude(pk=current.pk)
        rank = ranking.bottom_of(others) if others.filter(rank__gte=current.rank).exists() else current.rank
    else:
        rank = current.rank
    if rank != current.rank:
        RoadmapItem.objects.filter(pk=current.pk).update(rank=rank)
        current.rank = rank
    return current


@transaction.atomic
def item_delete(*, actor: User, item: RoadmapItem, expected_version: int | None = None) -> None:
    current = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    refuse_if_stale(current, expected_version, label=f"“{current.title}”")
    current.delete()


@transaction.atomic
def request_attach(
    *,
    actor: User,
    stakeholder_request: StakeholderRequest,
    item: RoadmapItem | None = None,
    horizon: str = Horizon.NEXT,
) -> RoadmapItem:
    """Put a request on the roadmap: link it to `item`, or to a new item made
    from it (unshared, so the PM decides what stakeholders read)."""
    if item is None:
        return item_create(
            actor=actor,
            product=stakeholder_request.product,
            title=stakeholder_request.title[:200],
            horizon=horizon,
            outcome=stakeholder_request.desired_outcome,
            status=RoadmapItem.Status.PLANNED,
            requests=[stakeholder_request],
        )
    if item.product_id != stakeholder_request.product_id:
        raise ValidationError({"roadmap_item": "Attach the request to an item of its own product's roadmap."})
    _check_requests(item.product_id, [stakeholder_request])
    current = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    current.requests.add(stakeholder_request)
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    _forecast_soon(current)
    return current


# --- Milestones -----------------------------------------------------------------


@transaction.atomic
def milestone_create(*, actor: User, product: Product, title: str, date: datetime.date, **fields) -> Milestone:
    _refuse_unknown(fields, MILESTONE_FIELDS)
    milestone = Milestone(product=product, title=(title or "").strip(), date=date, **fields)
    _validate_milestone(milestone)
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(*, actor: User, milestone: Milestone, expected_version: int | None, **changes) -> Milestone:
    _refuse_unknown(changes, MILESTONE_FIELDS)
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    refuse_if_stale(current, expected_version, label=f"Milestone “{current.title}”")
    for field, value in changes.items():
        setattr(current, field, value.strip() if isinstance(value, str) and field == "title" else value)
    _validate_milestone(current)
    current.version += 1
    current.save()
    return current


@transaction.atomic
def milestone_delete(*, actor: User, milestone: Milestone, expected_version: int | None = None) -> None:
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    refuse_if_stale(current, expected_version, label=f"Milestone “{current.title}”")
    current.delete()


# --- The calendar feed --------------------------------------------------------------


@transaction.atomic
def feed_token_issue(*, actor: User, product: Product) -> tuple[FeedToken, str]:
    """A new secret calendar address for the actor, and its secret, which is
    not stored (only its digest) and cannot be shown again; the old one stops working."""
    FeedToken.objects.filter(user=actor, product=product, revoked_at__isnull=True).update(revoked_at=timezone.now())
    secret = secrets.token_urlsafe(32)
    return FeedToken.objects.create(user=actor, product=product, digest=FeedToken.digest_of(secret)), secret


@transaction.atomic
def feed_token_revoke(*, actor: User, product: Product, user: User | None = None) -> int:
    """Stop the actor's calendar address (or, for the PM, everyone's when `user` is None). Returns how many."""
    live = FeedToken.objects.filter(product=product, revoked_at__isnull=True)
    if user is not None:
        live = live.filter(user=user)
    return live.update(revoked_at=timezone.now())


def feed_tokens_revoke_all_of(*, user: User) -> int:
    """Stop every calendar address of the person, in every product (their password changed)."""
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- Rules ------------------------------------------------------------------------


def _validate_item(item: RoadmapItem) -> None:
    if not item.title:
        raise ValidationError({"title": "A roadmap item needs a title."})
    if item.horizon not in Horizon.values:
        raise ValidationError({"horizon": f"Unknown horizon {item.horizon!r}; choose now, next or later."})
    item.target_quarter = (item.target_quarter or "").strip().upper().replace(" ", "-")
    for field in ("start_date", "target_date"):
        _check_year(getattr(item, field), field)
    if item.target_quarter:
        end = quarter_end(item.target_quarter)
        if end is None or not FIRST_YEAR <= end.year <= LAST_YEAR:
            raise ValidationError({"target_quarter": f"“{item.target_quarter}” is no quarter; write it like 2026-Q3."})
        if item.target_date is not None:
            raise ValidationError({"target_quarter": "Give a target date or a target quarter, not both."})
        if item.start_date is not None and item.start_date > end:
            raise ValidationError({"target_quarter": "The target quarter ends before the start date."})
    if item.start_date and item.target_date and item.target_date < item.start_date:
        raise ValidationError({"target_date": "The target date cannot be before the start date."})
    if item.outcome_metric_id is not None:
        metric = OutcomeMetric.objects.filter(pk=item.outcome_metric_id).values_list("product_id", flat=True).first()
        if metric != item.product_id:
            raise ValidationError({"outcome_metric": "Choose an outcome metric of this product."})
    item.full_clean(
        exclude=["rank", "product", "created_by", "outcome_metric", "epics", "backlog_items", "requests", "hypotheses"]
    )


def _validate_milestone(milestone: Milestone) -> None:
    if not milestone.title:
        raise ValidationError({"title": "A milestone needs a title."})
    if milestone.date is None:
        raise ValidationError({"date": "A milestone needs a date."})
    _check_year(milestone.date, "date")
    _check_year(milestone.reached_at, "reached_at")
    if milestone.roadmap_item_id is not None:
        owner = RoadmapItem.objects.filter(pk=milestone.roadmap_item_id).values_list("product_id", flat=True).first()
        if owner != milestone.product_id:
            raise ValidationError({"roadmap_item": "Tie the milestone to an item of this product's roadmap."})
    if milestone.sprint_id is not None:
        owner = Sprint.objects.filter(pk=milestone.sprint_id).values_list("product_id", flat=True).first()
        if owner != milestone.product_id:
            raise ValidationError({"sprint": "Tie the milestone to a sprint of this product."})
    milestone.full_clean(exclude=["product", "roadmap_item", "sprint"])


def _check_year(day: datetime.date | None, field: str) -> None:
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError({field: f"{day:%Y-%m-%d} is not a plausible date; use a year {FIRST_YEAR}–{LAST_YEAR}."})


def _set_links(item: RoadmapItem, *, epics=None, backlog_items=None, requests=None, hypotheses=None) -> bool:
    """Replace the given kinds of links; each linked object must belong to the item's product. True if any changed."""
    changed = False
    if epics is not None:
        epics = list(epics)
        foreign = [f"#{epic.number}" for epic in epics if epic.product_id != item.product_id]
        if foreign:
            raise ValidationError({"epics": f"Epics of another product cannot be linked: {', '.join(foreign)}."})
        not_epics = [f"#{epic.number}" for epic in epics if epic.kind != BacklogItem.Kind.EPIC]
        if not_epics:
            raise ValidationError({"epics": f"Not epics: {', '.join(not_epics)}. Link them as backlog items instead."})
        changed |= _replace(item.epics, epics)
    if backlog_items is not None:
        backlog_items = list(backlog_items)
        foreign = [f"#{entry.number}" for entry in backlog_items if entry.product_id != item.product_id]
        if foreign:
            raise ValidationError(
                {"backlog_items": f"Items of another product cannot be linked: {', '.join(foreign)}."}
            )
        changed |= _replace(item.backlog_items, backlog_items)
    if requests is not None:
        requests = list(requests)
        _check_requests(item.product_id, requests)
        changed |= _replace(item.requests, requests)
    if hypotheses is not None:
        hypotheses = list(hypotheses)
        foreign = [h.reference for h in hypotheses if h.product_id != item.product_id]
        if foreign:
            raise ValidationError(
                {
                    "hypotheses": f"Hypotheses of another product cannot be linked: {', '.join(foreign)}. "
                    "Link hypotheses of this item's own product."
                }
            )
        changed |= _replace(item.hypotheses, hypotheses)
    return changed


def _check_requests(product_id: int, requests: list[StakeholderRequest]) -> None:
    foreign = [r.reference for r in requests if r.product_id != product_id]
    if foreign:
        raise ValidationError({"requests": f"Requests of another product cannot be linked: {', '.join(foreign)}."})
    closed = [r.reference for r in requests if r.status not in LINKABLE_REQUESTS]
    if closed:
        raise ValidationError({"requests": f"Declined or merged requests cannot be planned: {', '.join(closed)}."})


def _replace(manager, wanted: list) -> bool:
    current = set(manager.values_list("pk", flat=True))
    wanted_ids = {obj.pk for obj in wanted}
    if current == wanted_ids:
        return False
    manager.remove(*(current - wanted_ids))
    manager.add(*(wanted_ids - current))
    return True


def _refuse_unknown(fields, allowed) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")


def _raw(item: RoadmapItem, field: str):
    return getattr(item, "outcome_metric_id" if field == "outcome_metric" else field)


def _horizon(product_id: int, horizon: str):
    return RoadmapItem.objects.filter(product_id=product_id, horizon=horizon)


def _lock_product(product_id: int) -> None:
    # Serialises ordering within one product's roadmap: two people moving items take turns.
    Product.objects.select_for_update().filter(pk=product_id).values_list("pk").first()


def _forecast_soon(item: RoadmapItem) -> None:
    forecasting.recompute_after_commit(item.product_id, roadmap_item_ids=[item.pk])
