"""The backlog's parts of the home page (apps.home): the items assigned to
me in My work, and items in the global search. Both read through
apps.backlog.access (`items_across`), so they show only what the backlog's
pages would; registered in BacklogConfig.ready."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from apps.accounts.permissions import Action, product_ids_where
from apps.backlog import access
from apps.backlog.models import BacklogItem
from apps.core.search import ranked
from apps.home.search import Hit

MY_ITEMS_SHOWN = 50
# Work in hand first, then what is next.
STATUS_ORDER = [
    BacklogItem.Status.IN_PROGRESS,
    BacklogItem.Status.IN_REVIEW,
    BacklogItem.Status.READY,
    BacklogItem.Status.NEW,
]


def my_items_section(request) -> dict | None:
    """Items assigned to me across my products, by status, soonest due first within each."""
    if not product_ids_where(request.user, Action.VIEW_BACKLOG):
        return None  # stakeholders have no backlog
    items = list(
        access.items_across(request.user)
        .filter(assignee=request.user, status__in=STATUS_ORDER)
        .select_related("product")
        .only("number", "title", "status", "due_date", "product__slug", "product__name")
        .order_by(F("due_date").asc(nulls_last=True), "product__name", "rank")[: MY_ITEMS_SHOWN + 1]
    )
    if not items:
        return {"groups": [], "more": False}
    today = timezone.localdate()
    rows = [
        {
            "item": item,
            "url": reverse("backlog:item", args=[item.product.slug, item.number]),
            "overdue": item.due_date is not None and item.due_date < today,
        }
        for item in items[:MY_ITEMS_SHOWN]
    ]
    groups = [
        {
            "status": status.label,
            "items": [row for row, item in zip(rows, items, strict=False) if item.status == status],
        }
        for status in STATUS_ORDER
    ]
    return {"groups": [group for group in groups if group["items"]], "more": len(items) > MY_ITEMS_SHOWN}


def find_items(user, query: str, limit: int) -> list[Hit]:
    items = ranked(access.items_across(user), query, title="title", fields=["description"], limit=limit)
    rows = items.select_related("product").only("number", "title", "status", "product__slug", "product__name")
    return [_hit(item) for item in rows[:limit]]


def jump_to_item(user, number: str) -> list[Hit]:
    wanted = int(number) if number.isdecimal() and len(number) < 10 else 0
    rows = access.items_across(user).filter(number=wanted).select_related("product").order_by("product__name")
    return [_hit(item) for item in rows.only("number", "title", "status", "product__slug", "product__name")[:20]]


def _hit(item: BacklogItem) -> Hit:
    return Hit(
        kind="Item",
        reference=f"#{item.number}",
        title=item.title,
        url=reverse("backlog:item", args=[item.product.slug, item.number]),
        product=item.product.name,
        rank=float(getattr(item, "search_rank", 0) or 0),
        extra={"status": item.get_status_display()},
    )
