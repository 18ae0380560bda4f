"""Every change to backlog items goes through these functions; the HTML views
and the API share them. Each is atomic and takes the acting user."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import TEAM, role_in
from apps.backlog import events, ranking, workflow
from apps.backlog.models import AcceptanceCriterion, BacklogItem
from apps.core.exceptions import Conflict
from apps.products.models import Product

# Fields a general edit may change; status, rank and version have their own functions.
EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "title",
        "description",
        "parent",
        "assignee",
        "story_points",
        "estimate_optimistic",
        "estimate_likely",
        "estimate_pessimistic",
    }
)


@transaction.atomic
def item_create(
    *,
    actor: User,
    product: Product,
    title: str,
    kind: str = BacklogItem.Kind.STORY,
    at_top: bool = False,
    labels=(),
    acceptance_criteria: list[str] = (),
    **fields,
) -> BacklogItem:
    """Add an item at the bottom of the backlog (or the top)."""
    _lock_product(product)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    item = BacklogItem(
        product=product,
        title=(title or "").strip(),
        kind=kind,
        created_by=actor,
        number=_next_number(product),
        rank=ranking.rank_at_top(product.pk) if at_top else ranking.rank_at_bottom(product.pk),
        **fields,
    )
    _validate(item)
    item._change_reason = "created"
    item.save()
    if labels:
        item.labels.set(labels)
    AcceptanceCriterion.objects.bulk_create(
        AcceptanceCriterion(item=item, text=text.strip(), position=i)
        for i, text in enumerate(acceptance_criteria)
        if text.strip()
    )
    return item


@transaction.atomic
def item_update(*, actor: User, item: BacklogItem, expected_version: int, **changes) -> BacklogItem:
    """Change fields of an item, refusing the edit if someone saved it since `expected_version`."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    item = _lock_current(item, expected_version)
    for field, value in changes.items():
        setattr(item, field, value.strip() if field == "title" and isinstance(value, str) else value)
    _validate(item)
    item.version += 1
    item.save()
    return item


@transaction.atomic
def item_set_status(*, actor: User, item: BacklogItem, status: str, expected_version: int | None = None) -> BacklogItem:
    """Move an item through the workflow; illegal jumps and unready items are refused."""
    if status not in BacklogItem.Status.values:
        raise ValidationError(
            {"status": f"Unknown status {status!r}; choose one of {', '.join(BacklogItem.Status.values)}."}
        )
    item = _lock_current(item, expected_version)
    old_status = item.status
    if status == old_status:
        return item
    if not workflow.can_move(old_status, status):
        raise ValidationError(
            {
                "status": f"An item cannot go from {BacklogItem.Status(old_status).label} "
                f"to {BacklogItem.Status(status).label}."
            }
        )
    if status == BacklogItem.Status.READY:
        problems = workflow.readiness_problems(item)
        if problems:
            raise ValidationError({"status": f"Not ready: {' and '.join(problems)}."})
    item.status = status
    item.done_at = timezone.now() if status == BacklogItem.Status.DONE else None
    item.version += 1
    item.save()
    events.status_changed(item=item, old_status=old_status, new_status=status, actor=actor)
    return item


@transaction.atomic
def item_move(
    *, actor: User, item: BacklogItem, before: BacklogItem | None = None, after: BacklogItem | None = None
) -> BacklogItem:
    """Place `item` right before `before` or right after `after` (exactly one of them)."""
    if (before is None) == (after is None):
        raise ValidationError("Say where to move the item: before one item or after one item.")
    anchor = before or after
    if anchor.product_id != item.product_id:
        raise ValidationError("An item can only be moved among the items of its own product.")
    if anchor.pk == item.pk:
        return item
    _lock_product(item.product)
    new_rank = _rank_next_to(item, anchor, before=before is not None)
    if new_rank is None:
        ranking.rebalance(item.product_id)
        anchor.refresh_from_db(fields=["rank"])
        new_rank = _rank_next_to(item, anchor, before=before is not None)
    BacklogItem.objects.filter(pk=item.pk).update(rank=new_rank)
    item.rank = new_rank
    return item


def _rank_next_to(item: BacklogItem, anchor: BacklogItem, *, before: bool) -> int | None:
    anchor_rank = BacklogItem.objects.values_list("rank", flat=True).get(pk=anchor.pk)
    others = BacklogItem.objects.filter(product_id=item.product_id).exclude(pk=item.pk)
    if before:
        lower = others.filter(rank__lt=anchor_rank).aggregate(r=Max("rank"))["r"]
        return ranking.rank_between(lower, anchor_rank)
    upper = others.filter(rank__gt=anchor_rank).order_by("rank").values_list("rank", flat=True).first()
    return ranking.rank_between(anchor_rank, upper)


def _lock_product(product: Product) -> None:
    # Serialises numbering and ranking within one product.
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").first()


def _lock_current(item: BacklogItem, expected_version: int | None) -> BacklogItem:
    current = BacklogItem.objects.select_for_update().get(pk=item.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            f"#{current.number} was changed by someone else since you opened it "
            f"(version {current.version}, yours {expected_version}). Reload to see their change, then edit again."
        )
    return current


def _next_number(product: Product) -> int:
    highest = BacklogItem.objects.filter(product=product).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


def _validate(item: BacklogItem) -> None:
    if item.parent is not None:
        if item.parent.kind != BacklogItem.Kind.EPIC:
            raise ValidationError({"parent": "The parent must be an epic."})
        if item.parent.product_id != item.product_id:
            raise ValidationError({"parent": "The epic must belong to the same product."})
        if item.kind == BacklogItem.Kind.EPIC:
            raise ValidationError({"parent": "An epic cannot belong to another epic."})
    if item.assignee_id is not None and role_in(item.assignee, item.product_id) not in TEAM:
        raise ValidationError({"assignee": "Only members of the product's team can be assigned."})
    item.full_clean(exclude=["rank", "number", "product", "created_by", "parent", "assignee", "labels"])
