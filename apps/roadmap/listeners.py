"""What the roadmap does when other apps change things (registered in
RoadmapConfig.ready): forecasts follow the history and the linked scope, and
a person's calendar addresses stop working when their password changes.
These run inside the other app's transaction and only queue work after commit."""

from django.db.models import Q

from apps.backlog.models import BacklogItem
from apps.roadmap import services
from apps.roadmap.forecasting import recompute_after_commit
from apps.roadmap.models import RoadmapItem

# Edits that change how much work is left.
SCOPE_FIELDS = frozenset(
    {
        "created",
        "deleted",
        "parent",
        "kind",
        "story_points",
        "estimate_optimistic",
        "estimate_likely",
        "estimate_pessimistic",
    }
)


def on_password_change(*, user) -> None:
    """A changed password ends every secret the person had (as their API tokens), calendar addresses too."""
    services.feed_tokens_revoke_all_of(user=user)


def on_sprint_close(*, sprint, actor) -> None:
    """A closed sprint is new history: every forecast of the product may change."""
    recompute_after_commit(sprint.product_id, everything=True)


def on_backlog_status_change(*, item, old_status: str, new_status: str, actor) -> None:
    _scope_changed(item)


def on_backlog_item_change(*, item, fields: frozenset[str], actor) -> None:
    if fields & SCOPE_FIELDS:
        _scope_changed(item, created="created" in fields)


def _scope_changed(item: BacklogItem, *, created: bool = False) -> None:
    epic_ids = {item.parent_id} if item.parent_id else set()
    if item.kind == BacklogItem.Kind.EPIC:
        epic_ids.add(item.pk)
    if created and not item.parent_id:
        # Nothing links to an item that did not exist a moment ago, nor to a
        # new epic: no query on every quick add.
        roadmap_ids: set[int] = set()
    else:
        linked = Q(backlog_items=item) | Q(requests__backlog_item=item)
        if epic_ids:
            linked |= Q(epics__in=epic_ids)
        roadmap_ids = set(RoadmapItem.objects.filter(linked).values_list("pk", flat=True))
    if roadmap_ids or epic_ids:
        recompute_after_commit(item.product_id, roadmap_item_ids=roadmap_ids, epic_ids=epic_ids)
