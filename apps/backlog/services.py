"""Every change to backlog items goes through these functions; the HTML views
and the API share them. Each is atomic and takes the acting user, who is
recorded in the item's history."""

from collections.abc import Iterable
from contextlib import contextmanager
from typing import Literal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import TEAM, role_in
from apps.backlog import conf, events, ranking, workflow
from apps.backlog.filters import FILTER_KEYS
from apps.backlog.models import (
    AcceptanceCriterion,
    BacklogItem,
    Blocker,
    ItemAttachment,
    ItemRelation,
    Label,
    SavedFilter,
)
from apps.conversation import services as conversation
from apps.core import uploads
from apps.core.versions import refuse_if_stale
from apps.notifications import services as notifications
from apps.notifications.kinds import Kind
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
        "due_date",
    }
)
FOREIGN_KEYS = frozenset({"parent", "assignee"})


@transaction.atomic
def item_create(
    *,
    actor: User,
    product: Product,
    title: str,
    kind: str = BacklogItem.Kind.STORY,
    at_top: bool = False,
    labels: Iterable[Label] = (),
    acceptance_criteria: Iterable[str] = (),
    **fields,
) -> BacklogItem:
    """Add an item at the bottom of the backlog (or the top)."""
    _refuse_unknown(fields)
    _lock_product(product)
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
    labels = _labels_of_product(product.pk, labels)
    item._history_user = actor
    item._change_reason = "created"
    item.save()
    if labels:
        item.labels.set(labels)  # recorded as a second history row: "labels added"
    AcceptanceCriterion.objects.bulk_create(
        AcceptanceCriterion(item=item, text=text.strip()[:500], position=i)
        for i, text in enumerate(acceptance_criteria)
        if text.strip()
    )
    conversation.watchers_add(target=item, user_ids=[actor.pk])
    if item.assignee_id is not None:
        _assigned(item, item.assignee_id, actor=actor)
    events.item_changed(item=item, fields=frozenset({"created"}), actor=actor)
    return item


@transaction.atomic
def item_update(
    *, actor: User, item: BacklogItem, expected_version: int, labels: Iterable[Label] | None = None, **changes
) -> BacklogItem:
    """Change fields (and optionally the labels) of an item, refusing the edit
    if someone saved it since `expected_version`. An edit that changes nothing
    writes nothing."""
    _refuse_unknown(changes)
    item = _lock_current(item, expected_version)
    before = {field: _raw(item, field) for field in changes}
    for field, value in changes.items():
        setattr(item, field, value.strip() if field == "title" and isinstance(value, str) else value)
    _validate(item)
    if before.get("kind") == BacklogItem.Kind.EPIC and item.kind != BacklogItem.Kind.EPIC and item.children.exists():
        raise ValidationError({"kind": "This epic still has items; move them out before changing its kind."})
    changed = [field for field in changes if _raw(item, field) != before[field]]
    labels_changed = False
    if labels is not None:
        wanted = {label.pk: label for label in _labels_of_product(item.product_id, labels)}
        current = set(item.labels.values_list("pk", flat=True))
        if set(wanted) != current:
            labels_changed = True
            with _no_history_row(item):  # the save below records the new labels in its one history row
                item.labels.remove(*(current - set(wanted)))
                item.labels.add(*(label for pk, label in wanted.items() if pk not in current))
    if not changed and not labels_changed:
        return item
    item.version += 1
    item._history_user = actor
    item.save(update_fields=[*changed, "version", "updated_at"])
    if "assignee" in changed and item.assignee_id is not None:
        _assigned(item, item.assignee_id, actor=actor)
    if changed:
        events.item_changed(item=item, fields=frozenset(changed), actor=actor)
    return item


@transaction.atomic
def item_set_status(*, actor: User, item: BacklogItem, status: str, expected_version: int | None = None) -> BacklogItem:
    """Move an item through the workflow; illegal jumps and unready items are refused."""
    _refuse_unknown_status(status)
    item = _lock_current(item, expected_version)
    return _move_status(actor=actor, item=item, status=status, bump_version=True)


def _refuse_unknown_status(status: str) -> None:
    if status not in BacklogItem.Status.values:
        raise ValidationError(
            {"status": f"Unknown status {status!r}; choose one of {', '.join(BacklogItem.Status.values)}."}
        )


def _move_status(*, actor: User, item: BacklogItem, status: str, bump_version: bool) -> BacklogItem:
    """The status change of an item already locked; `bump_version=False` when
    the same edit has already counted its new version (item_edit, item_groom)."""
    old_status = item.status
    if status == old_status:
        return item
    if not workflow.can_move(old_status, status):
        raise ValidationError(
            {
                "status": f"#{item.number} cannot go from {BacklogItem.Status(old_status).label} "
                f"to {BacklogItem.Status(status).label}."
            }
        )
    if status == BacklogItem.Status.READY:
        problems = workflow.readiness_problems(item)
        if problems:
            raise ValidationError({"status": f"#{item.number} is not ready: {' and '.join(problems)}."})
    events.check_status_change(item=item, old_status=old_status, new_status=status, actor=actor)
    item.status = status
    item.done_at = timezone.now() if status == BacklogItem.Status.DONE else None
    if bump_version:
        item.version += 1
    item._history_user = actor
    item.save(update_fields=["status", "done_at", "version", "updated_at"])
    notifications.notify(
        kind=Kind.ITEM_STATUS,
        recipients=conversation.watchers_of(item),
        key=f"backlog.status:{item.pk}:{item.version}",
        text=f"#{item.number} {item.title} moved from {BacklogItem.Status(old_status).label} "
        f"to {BacklogItem.Status(status).label}",
        link=item.get_absolute_url(),
        actor=actor,
        product=item.product_id,
        target=item,
    )
    events.status_changed(item=item, old_status=old_status, new_status=status, actor=actor)
    return item


@transaction.atomic
def item_edit(
    *,
    actor: User,
    item: BacklogItem,
    expected_version: int,
    status: str | None = None,
    labels: Iterable[Label] | None = None,
    **changes,
) -> BacklogItem:
    """One edit that may change fields, labels and the status together: all of
    it or none of it, checked against one version, and one new version for
    the whole edit."""
    if status is not None:
        _refuse_unknown_status(status)
    item = item_update(actor=actor, item=item, expected_version=expected_version, labels=labels, **changes)
    if status is not None:
        item = _move_status(actor=actor, item=item, status=status, bump_version=item.version == expected_version)
    return item


@transaction.atomic
def item_groom(
    *,
    actor: User,
    item: BacklogItem,
    expected_version: int,
    criteria: Iterable[str] = (),
    mark_ready: bool = False,
    **estimate,
) -> BacklogItem:
    """Complete an item in grooming: add acceptance criteria, set the
    estimate and, if asked, mark it ready; all of it or none of it."""
    item = item_update(actor=actor, item=item, expected_version=expected_version, **estimate)
    for text in criteria:
        criterion_add(actor=actor, item=item, text=text)
    if mark_ready:
        item = _move_status(
            actor=actor, item=item, status=BacklogItem.Status.READY, bump_version=item.version == expected_version
        )
    return item


@transaction.atomic
def item_move(
    *, actor: User, item: BacklogItem, before: BacklogItem | None = None, after: BacklogItem | None = None
) -> BacklogItem:
    """Place `item` right before `before` or right after `after` (exactly one of
    them). Writes the item's rank only, except when the neighbourhood is so
    crowded that it must be spread out first (see ranking.make_room)."""
    anchor = before or after
    if anchor is None or (before is not None and after is not None):
        raise ValidationError("Say where to move the item: before one item or after one item.")
    if anchor.product_id != item.product_id:
        raise ValidationError("An item can only be moved among the items of its own product.")
    if anchor.pk == item.pk:
        return item
    _lock_product(item.product_id)
    # The anchor's rank (read again under the lock) and its neighbour on the side the item goes, in one query.
    others = BacklogItem.objects.filter(product_id=item.product_id).exclude(pk=item.pk)
    if before is not None:
        neighbour = others.filter(rank__lt=OuterRef("rank")).order_by("-rank").values("rank")[:1]
    else:
        neighbour = others.filter(rank__gt=OuterRef("rank")).order_by("rank").values("rank")[:1]
    anchor_rank, next_rank = (
        BacklogItem.objects.filter(pk=anchor.pk).values_list("rank", Subquery(neighbour)).order_by().get()
    )
    lower, upper = (next_rank, anchor_rank) if before is not None else (anchor_rank, next_rank)
    new_rank = ranking.rank_between(lower, upper)
    if new_rank is None:
        new_rank = ranking.make_room(product_id=item.product_id, moving_pk=item.pk, lower=lower, upper=upper)
    return _set_rank(item, new_rank)


@transaction.atomic
def item_move_to(*, actor: User, item: BacklogItem, edge: Literal["top", "bottom"]) -> BacklogItem:
    """Put the item first or last in its product's backlog."""
    _check_edge(edge)
    _lock_product(item.product_id)
    item.rank = _rank_to_edge(item.product_id, edge, "id", item.pk)
    return item


@transaction.atomic
def item_number_move_to(*, actor: User, product: Product, number: int, edge: Literal["top", "bottom"]) -> int:
    """`item_move_to` for the item with this number in the product (the page's
    buttons): the statement that moves it finds it, so it is never read before.
    Returns its new rank; BacklogItem.DoesNotExist if the product has no such item."""
    _check_edge(edge)
    _lock_product(product)
    return _rank_to_edge(product.pk, edge, "number", number)


def _check_edge(edge: str) -> None:
    if edge not in ("top", "bottom"):
        raise ValidationError({"to": f"Move to 'top' or 'bottom', not {edge!r}."})


def _rank_to_edge(product_id: int, edge: Literal["top", "bottom"], key: Literal["id", "number"], value: int) -> int:
    """One statement: the item's rank (the product's item whose `key` column is
    `value`) becomes one GAP beyond the edge's, unless it is the edge already,
    and the rank it ends with comes back (RETURNING; PostgreSQL and SQLite
    3.35+). The product lock is held, so the edge cannot move meanwhile. Writes
    the item's rank only, no history row."""
    table = connection.ops.quote_name(BacklogItem._meta.db_table)
    extreme, step = ("MIN", -ranking.GAP) if edge == "top" else ("MAX", ranking.GAP)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET rank = CASE WHEN {table}.rank = edge.rank THEN edge.rank ELSE edge.rank + %s END "  # noqa: S608 -- names from the model, values as parameters
            f"FROM (SELECT {extreme}(rank) AS rank FROM {table} WHERE product_id = %s) AS edge "
            f"WHERE {table}.product_id = %s AND {table}.{key} = %s RETURNING {table}.rank",
            [step, product_id, product_id, value],
        )
        row = cursor.fetchone()
    if row is None:
        raise BacklogItem.DoesNotExist(f"No item with {key} {value} in product {product_id}.")
    return row[0]


@transaction.atomic
def item_delete(*, actor: User, item: BacklogItem) -> None:
    item._history_user = actor
    events.item_changed(item=item, fields=frozenset({"deleted"}), actor=actor)
    item.delete()


@transaction.atomic
def items_bulk_update(
    *,
    actor: User,
    product: Product,
    numbers: list[int],
    status: str | None = None,
    assignee: User | None | Literal[False] = False,
    add_label: Label | None = None,
    remove_label: Label | None = None,
    move_to_top: bool = False,
) -> list[BacklogItem]:
    """Apply one change to several items of a product: all of them or none.

    `assignee=None` unassigns; the default (False) leaves assignees alone.
    Moved to the top, the items keep their order among themselves.
    """
    items = list(BacklogItem.objects.filter(product=product, number__in=set(numbers)).order_by("-rank"))
    missing = set(numbers) - {item.number for item in items}
    if not numbers or missing:
        raise ValidationError(
            {"items": f"No items {', '.join(f'#{n}' for n in sorted(missing))} in this backlog."}
            if missing
            else {"items": "Select at least one item."}
        )
    if status is None and assignee is False and add_label is None and remove_label is None and not move_to_top:
        raise ValidationError("Choose a change to apply to the selected items.")
    errors = []
    for item in items:
        try:
            if status is not None:
                item = item_set_status(actor=actor, item=item, status=status)
            if assignee is not False or add_label is not None or remove_label is not None:
                labels = None
                if add_label is not None or remove_label is not None:
                    labels = {label for label in item.labels.all() if label != remove_label}
                    labels |= {add_label} if add_label is not None else set()
                changes = {} if assignee is False else {"assignee": assignee}
                item = item_update(actor=actor, item=item, expected_version=item.version, labels=labels, **changes)
            if move_to_top:
                item_move_to(actor=actor, item=item, edge="top")
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"items": errors})
    return items


# --- labels, acceptance criteria, blockers -----------------------------------


@transaction.atomic
def label_create(*, actor: User, product: Product, name: str, color: str = "#667085") -> Label:
    name = (name or "").strip()
    if Label.objects.filter(product=product, name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a label {name!r}."})
    label = Label(product=product, name=name, color=color)
    label.full_clean()
    label.save()
    return label


@transaction.atomic
def criterion_add(*, actor: User, item: BacklogItem, text: str) -> AcceptanceCriterion:
    text = (text or "").strip()
    position = (item.acceptance_criteria.aggregate(p=Max("position"))["p"] or 0) + 1
    criterion = AcceptanceCriterion(item=item, text=text, position=position)
    criterion.full_clean()
    criterion._history_user = actor
    criterion.save()
    return criterion


@transaction.atomic
def criterion_update(
    *, actor: User, criterion: AcceptanceCriterion, text: str | None = None, met: bool | None = None
) -> AcceptanceCriterion:
    criterion = AcceptanceCriterion.objects.select_for_update().get(pk=criterion.pk)
    if text is not None:
        criterion.text = text.strip()
    if met is not None:
        criterion.met = met
    criterion.full_clean()
    criterion._history_user = actor
    criterion.save()
    return criterion


@transaction.atomic
def criterion_tick(*, actor: User, criterion: AcceptanceCriterion, met: bool | None = None) -> AcceptanceCriterion:
    """Tick (`met=True`) or untick a criterion; without `met`, flip it. Pages send
    the state the person asked for, so two people ticking one box at once leave
    it ticked; a flip is decided under the row lock."""
    criterion = AcceptanceCriterion.objects.select_for_update().get(pk=criterion.pk)
    criterion.met = not criterion.met if met is None else met
    criterion._history_user = actor
    criterion.save()
    return criterion


@transaction.atomic
def criterion_remove(*, actor: User, criterion: AcceptanceCriterion) -> None:
    criterion._history_user = actor
    criterion.delete()


@transaction.atomic
def blocker_add(*, actor: User, item: BacklogItem, reason: str, kind: str = Blocker.Kind.OTHER) -> Blocker:
    """Flag the item as waiting on something, from now until it is resolved."""
    blocker = Blocker(item=item, kind=kind, reason=(reason or "").strip(), since=timezone.now(), created_by=actor)
    blocker.full_clean()
    blocker.save()
    return blocker


@transaction.atomic
def blocker_resolve(*, actor: User, blocker: Blocker) -> Blocker:
    blocker = Blocker.objects.select_for_update().get(pk=blocker.pk)
    if blocker.resolved_at is not None:
        raise ValidationError(f"This blocker was already resolved on {blocker.resolved_at:%Y-%m-%d %H:%M}.")
    blocker.resolved_at = timezone.now()
    blocker.resolved_by = actor
    blocker.save(update_fields=["resolved_at", "resolved_by"])
    return blocker


# --- relations between items ---------------------------------------------------

# What people choose, read from the item they are on: (stored kind, whether this item is the target).
RELATION_CHOICES = {
    "blocks": (ItemRelation.Kind.BLOCKS, False),
    "blocked_by": (ItemRelation.Kind.BLOCKS, True),
    "relates": (ItemRelation.Kind.RELATES, False),
    "duplicates": (ItemRelation.Kind.DUPLICATES, False),
    "duplicated_by": (ItemRelation.Kind.DUPLICATES, True),
}


@transaction.atomic
def relation_add(*, actor: User, item: BacklogItem, relation: str, other: BacklogItem) -> ItemRelation:
    """Link `item` to `other` ("blocks", "blocked_by", "relates", "duplicates",
    "duplicated_by", read from `item`). Refused: linking an item to itself,
    across products, twice, or making two items block each other."""
    if relation not in RELATION_CHOICES:
        raise ValidationError({"relation": f"Choose one of {', '.join(RELATION_CHOICES)}."})
    kind, reverse = RELATION_CHOICES[relation]
    if other.pk == item.pk:
        raise ValidationError({"other": f"#{item.number} cannot be linked to itself."})
    if other.product_id != item.product_id:
        raise ValidationError({"other": "Only items of the same product can be linked."})
    source, target = (other, item) if reverse else (item, other)
    _lock_product(item.product_id)  # two people linking the same pair at once take turns
    pair = Q(source=source, target=target) | Q(source=target, target=source)
    existing = ItemRelation.objects.filter(pair).values_list("source_id", "kind")
    for source_id, existing_kind in existing:
        if existing_kind == kind and (source_id == source.pk or kind == ItemRelation.Kind.RELATES):
            raise ValidationError(
                {"other": f"#{source.number} already {ItemRelation.Kind(kind).label} #{target.number}."}
            )
        if existing_kind == kind == ItemRelation.Kind.BLOCKS:
            raise ValidationError(
                {"other": f"#{target.number} already blocks #{source.number}; two items cannot block each other."}
            )
    return ItemRelation.objects.create(source=source, target=target, kind=kind, created_by=actor)


@transaction.atomic
def relation_remove(*, actor: User, relation: ItemRelation) -> None:
    relation.delete()


# --- attachments -----------------------------------------------------------------


@transaction.atomic
def attachments_add(*, actor: User, item: BacklogItem, files) -> list[ItemAttachment]:
    """Attach files to an item; every one is checked (type, content, size)
    before any is stored, so a refused file leaves nothing behind."""
    files = list(files or [])
    if not files:
        raise ValidationError({"attachments": "Choose at least one file."})
    locked = BacklogItem.objects.select_for_update().get(pk=item.pk)
    if locked.attachments.count() + len(files) > conf.ATTACHMENTS_PER_ITEM:
        raise ValidationError({"attachments": f"An item can have at most {conf.ATTACHMENTS_PER_ITEM} attachments."})
    accepted = [(upload, *uploads.accepted_type(upload, max_bytes=conf.ATTACHMENT_MAX_BYTES)) for upload in files]
    stored = []
    with uploads.files_removed_on_failure() as written:
        for upload, extension, file_type in accepted:
            attachment = uploads.store(ItemAttachment(item=locked), upload, extension, file_type, actor, written)
            attachment.save()
            stored.append(attachment)
    return stored


@transaction.atomic
def attachment_remove(*, actor: User, attachment: ItemAttachment) -> None:
    """Remove a file (its uploader, or whoever may edit the item: the door checks which).
    The stored file goes once the removal is committed."""
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- saved filters --------------------------------------------------------------

# The query keys that filter each page; anything else in a saved query is dropped.
SAVED_FILTER_KEYS: dict[str, list[str]] = {SavedFilter.Page.BACKLOG: FILTER_KEYS, SavedFilter.Page.BOARD: ["lanes"]}


@transaction.atomic
def saved_filter_save(
    *, actor: User, product: Product, page: str, name: str, query: str, shared: bool = False
) -> SavedFilter:
    """Keep the page's current filter under a name (saving a name again replaces its filter)."""
    if page not in SAVED_FILTER_KEYS:
        raise ValidationError({"page": f"Filters are saved for {', '.join(SAVED_FILTER_KEYS)}."})
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the filter a name."})
    if len(name) > 60:
        raise ValidationError({"name": "A filter's name can be at most 60 characters."})
    given = QueryDict(query or "")
    kept = [(key, value) for key in SAVED_FILTER_KEYS[page] for value in given.getlist(key) if value]
    if not kept:
        raise ValidationError({"query": "There is no filter to save: choose some filters first."})
    encoded = urlencode(kept)
    if len(encoded) > 1000:
        raise ValidationError({"query": "This filter is too long to save."})
    saved, _ = SavedFilter.objects.update_or_create(
        product=product, owner=actor, page=page, name=name, defaults={"query": encoded, "shared": bool(shared)}
    )
    return saved


@transaction.atomic
def saved_filter_delete(*, actor: User, saved: SavedFilter) -> None:
    if saved.owner_id != actor.pk:
        raise ValidationError("Only the person who saved a filter can delete it.")
    saved.delete()


# --- helpers -----------------------------------------------------------------


def _assigned(item: BacklogItem, assignee_id: int, *, actor: User) -> None:
    """The assignee watches the item from now on, and is told (unless they assigned themselves)."""
    conversation.watchers_add(target=item, user_ids=[assignee_id])
    notifications.notify(
        kind=Kind.ASSIGNED,
        recipients=[assignee_id],
        key=f"backlog.assigned:{item.pk}:{item.version}",
        text=f"{actor} assigned you #{item.number} {item.title}",
        link=item.get_absolute_url(),
        actor=actor,
        product=item.product_id,
        target=item,
    )


def _set_rank(item: BacklogItem, rank: int) -> BacklogItem:
    # update(), not save(): one row, one column, and no history row for a reorder.
    BacklogItem.objects.filter(pk=item.pk).update(rank=rank)
    item.rank = rank
    return item


def _lock_product(product: Product | int) -> None:
    # Serialises numbering and ranking within one product: two people moving
    # items at once take turns, so neither reads ranks the other is changing.
    product_id = product if isinstance(product, int) else product.pk
    Product.objects.select_for_update().filter(pk=product_id).values_list("pk").first()


def _lock_current(item: BacklogItem, expected_version: int | None) -> BacklogItem:
    current = BacklogItem.objects.select_for_update().get(pk=item.pk)
    refuse_if_stale(current, expected_version, label=f"#{current.number}")
    return current


def _next_number(product: Product) -> int:
    highest = BacklogItem.objects.filter(product=product).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


def _refuse_unknown(fields) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")


def _raw(item: BacklogItem, field: str):
    return getattr(item, f"{field}_id" if field in FOREIGN_KEYS else field)


def _labels_of_product(product_id: int, labels: Iterable[Label]) -> list[Label]:
    labels = list(labels)
    foreign = [label.name for label in labels if label.product_id != product_id]
    if foreign:
        raise ValidationError({"labels": f"Labels of another product cannot be used here: {', '.join(foreign)}."})
    return labels


@contextmanager
def _no_history_row(item: BacklogItem):
    item.skip_history_when_saving = True
    try:
        yield
    finally:
        del item.skip_history_when_saving


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
    if not item.title:
        raise ValidationError({"title": "An item needs a title."})
    # What is left to check among the constraints is the estimate range, which
    # Django asks the database about (a query and two savepoints per check): an
    # item without any estimate satisfies both, so they are asked only with one.
    estimated = any(
        value is not None for value in (item.estimate_optimistic, item.estimate_likely, item.estimate_pessimistic)
    )
    item.full_clean(
        exclude=["rank", "number", "product", "created_by", "parent", "assignee", "labels"],
        validate_constraints=estimated,
    )
