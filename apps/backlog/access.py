"""The way into a product's backlog. Pages, htmx fragments, API views and the
CSV export find items, acceptance criteria, blockers and labels here, checked
against the action they are about to do (apps.accounts.permissions decides who
may): 404 for what is not in this product (or for an id that cannot be one),
403 for a member whose role lacks the right. Lists go through `visible_items`
and `filtered_items`, so what a page shows, the API and the export show too.

The product itself comes from apps.products.access.get_product."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404, QueryDict

from apps.accounts.models import Membership
from apps.accounts.permissions import TEAM, Action, can, product_ids_where, require
from apps.backlog import selectors
from apps.backlog.filters import FILTER_KEYS, BacklogItemFilter
from apps.backlog.models import (
    MAX_NUMBER,
    AcceptanceCriterion,
    BacklogItem,
    Blocker,
    ItemAttachment,
    ItemRelation,
    Label,
    SavedFilter,
)
from apps.core.http import as_id
from apps.core.lookups import one_by_id
from apps.products.models import Product

# What a team member may change on an item they work on (besides its status);
# anything else needs the right to edit the backlog.
WORK_FIELDS = frozenset({"assignee", "story_points", "estimate_optimistic", "estimate_likely", "estimate_pessimistic"})

# The right each bulk change needs.
BULK_RIGHTS = {
    "status": Action.WORK_BACKLOG_ITEM,
    "assignee": Action.WORK_BACKLOG_ITEM,
    "add_label": Action.EDIT_BACKLOG_ITEM,
    "remove_label": Action.EDIT_BACKLOG_ITEM,
    "move_to_top": Action.REORDER_BACKLOG,
}


def action_to_change(fields: Iterable[str]) -> Action:
    """The right an edit of these fields needs ("status" and "labels" included)."""
    if set(fields) <= WORK_FIELDS | {"status"}:
        return Action.WORK_BACKLOG_ITEM
    return Action.EDIT_BACKLOG_ITEM


def may_bulk(user, product: Product, change: str) -> bool:
    """Whether the user holds the right a bulk change needs (the page offers only those)."""
    return change in BULK_RIGHTS and can(user, BULK_RIGHTS[change], product)


def require_bulk(user, product: Product, changes: Iterable[str]) -> None:
    """Refuse (403) a bulk change unless the user holds the right of each change in it."""
    for needed in {BULK_RIGHTS[change] for change in changes if change in BULK_RIGHTS}:
        require(user, needed, product)


def who_may_see(item: BacklogItem, user_ids: set[int]) -> set[int]:
    """Those of `user_ids` who may see the item: the product's team (the rule
    for mentions and notifications; stakeholders never see the backlog)."""
    return set(
        Membership.objects.filter(
            product_id=item.product_id, user_id__in=user_ids, role__in=[role.value for role in TEAM]
        ).values_list("user_id", flat=True)
    )


# --- lists -----------------------------------------------------------------------


def visible_items(user, product: Product, *, numbers: Iterable[int] | None = None) -> QuerySet[BacklogItem]:
    """The product's items the user may see, in backlog order, with what a list
    row shows; only those `numbers` when given."""
    require(user, Action.VIEW_BACKLOG, product)
    items = selectors.backlog_items(product)
    if numbers is not None:
        items = items.filter(number__in=[number for number in numbers if 0 < number <= MAX_NUMBER])
    return items


def items_across(user) -> QuerySet[BacklogItem]:
    """The items of every product whose backlog the user may see (My work, search)."""
    return BacklogItem.objects.filter(product_id__in=product_ids_where(user, Action.VIEW_BACKLOG))


def visible_labels(user, product: Product) -> QuerySet[Label]:
    require(user, Action.VIEW_BACKLOG, product)
    return selectors.product_labels(product)


def filtered_items(user, product: Product, params: QueryDict) -> BacklogItemFilter:
    """The URL's filters (the page's, the export's) over `visible_items`; an
    empty value (an "any" choice) means no filter. Check `.is_valid()`."""
    data = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        data.setlist(key, [value for value in params.getlist(key) if value])
    return BacklogItemFilter(data, queryset=visible_items(user, product))


def item_row(user, product: Product, item: BacklogItem) -> BacklogItem:
    """The item again as a backlog row (after a change), with what a list row shows."""
    return visible_items(user, product, numbers=[item.number]).get()


# --- one object ------------------------------------------------------------------


def access_item(user, product: Product, number, action: Action = Action.VIEW_BACKLOG, *, detail=True) -> BacklogItem:
    """The item with this number in the product's backlog. With `detail`, loaded
    with what its page and the API detail show; without, just the row."""
    require(user, action, product)
    wanted = as_id(number)
    item = None
    if wanted is not None and wanted <= MAX_NUMBER:
        if detail:
            item = selectors.item_detail(product, wanted)
        else:
            item = BacklogItem.objects.filter(product=product, number=wanted).first()
    if item is None:
        raise Http404(f"No item #{number} in this backlog.")
    return item


def item_number(user, product: Product, number, action: Action = Action.VIEW_BACKLOG) -> int:
    """The number of an item of the product, checked as `access_item` checks it
    but without reading the row: for a service whose own statement finds the
    item by number (and answers BacklogItem.DoesNotExist when there is none)."""
    require(user, action, product)
    wanted = as_id(number)
    if wanted is None or wanted > MAX_NUMBER:
        raise Http404(f"No item #{number} in this backlog.")
    return wanted


def access_item_by_id(user, product: Product, item_id, action: Action = Action.VIEW_BACKLOG) -> BacklogItem:
    """The item with this id in the product's backlog (just the row): how the
    API and other apps (a sprint's plan) name an item."""
    require(user, action, product)
    return one_by_id(BacklogItem.objects.filter(product=product), item_id, "No such item in this product's backlog.")


def access_anchor(user, product: Product, number, *, message: str | dict) -> BacklogItem:
    """The item another one is moved next to. One that is not in this backlog
    refuses the move (ValidationError with `message`) rather than being a 404."""
    try:
        return access_item(user, product, number, Action.REORDER_BACKLOG, detail=False)
    except Http404:
        raise ValidationError(message) from None


def access_criterion(
    user, product: Product, criterion_id, action: Action = Action.WORK_BACKLOG_ITEM
) -> AcceptanceCriterion:
    require(user, action, product)
    criteria = AcceptanceCriterion.objects.select_related("item", "item__product").filter(item__product=product)
    return one_by_id(criteria, criterion_id, "No such acceptance criterion in this backlog.")


def access_blocker(user, product: Product, blocker_id, action: Action = Action.WORK_BACKLOG_ITEM) -> Blocker:
    require(user, action, product)
    blockers = Blocker.objects.select_related("item", "item__product").filter(item__product=product)
    return one_by_id(blockers, blocker_id, "No such blocker in this backlog.")


def access_label(user, product: Product, label_id, action: Action = Action.VIEW_BACKLOG) -> Label:
    require(user, action, product)
    return one_by_id(Label.objects.filter(product=product), label_id, "No such label in this product.")


def access_linkable(user, product: Product, number, *, field: str = "other") -> BacklogItem:
    """The item another one is linked to (a relation). One that is not in this
    backlog refuses the link (ValidationError on `field`) rather than being a 404."""
    try:
        return access_item(user, product, number, Action.WORK_BACKLOG_ITEM, detail=False)
    except Http404:
        raise ValidationError({field: f"There is no item #{number} in this backlog."}) from None


def access_relation(user, product: Product, relation_id, action: Action = Action.WORK_BACKLOG_ITEM) -> ItemRelation:
    require(user, action, product)
    relations = ItemRelation.objects.select_related("source__product", "target__product").filter(
        source__product=product
    )
    return one_by_id(relations, relation_id, "No such link in this backlog.")


def access_attachment(
    user, product: Product, number, attachment_id, action: Action = Action.VIEW_BACKLOG
) -> ItemAttachment:
    """A file of an item of this backlog (to download, or with EDIT/own to remove)."""
    item = access_item(user, product, number, action, detail=False)
    attachment = one_by_id(item.attachments.all(), attachment_id, "No such attachment.")
    attachment.item = item
    item.product = product
    return attachment


def access_own_attachment(user, product: Product, number, attachment_id) -> ItemAttachment:
    """A file its uploader removes; PM and scrum master may remove any (403 for others)."""
    attachment = access_attachment(user, product, number, attachment_id, Action.WORK_BACKLOG_ITEM)
    if attachment.uploaded_by_id != user.pk:
        require(user, Action.EDIT_BACKLOG_ITEM, product)
    return attachment


def visible_saved_filters(user, product: Product, page: str) -> QuerySet[SavedFilter]:
    """The user's own filters of the page and those the team shared, own first."""
    require(user, Action.VIEW_BACKLOG, product)
    mine = Q(owner_id=user.pk)
    return (
        SavedFilter.objects.filter(mine | Q(shared=True), product=product, page=page)
        .select_related("owner")
        .annotate(is_mine=ExpressionWrapper(mine, output_field=BooleanField()))
        .order_by("-is_mine", "name", "pk")
    )


def access_saved_filter(user, product: Product, saved_id, *, own: bool = False) -> SavedFilter:
    """A saved filter the user sees; with `own`, one they saved (403 for a shared one of someone else)."""
    require(user, Action.VIEW_BACKLOG, product)
    seen = SavedFilter.objects.filter(Q(owner_id=user.pk) | Q(shared=True), product=product)
    saved = one_by_id(seen, saved_id, "No such saved filter.")
    if own and saved.owner_id != user.pk:
        raise PermissionDenied("Only the person who saved a filter can change or delete it.")
    return saved
