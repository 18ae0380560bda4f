"""Roadmap items in the global search (apps.home). The team searches every
field of its products' items; everyone else only the shared items, and only
in what stakeholders are shown (title, outcome, public description), never
the internal notes. Registered in RoadmapConfig.ready."""

from django.urls import reverse

from apps.core.search import ranked
from apps.home.search import Hit
from apps.roadmap import access
from apps.roadmap.models import RoadmapItem

TEAM_FIELDS = ["public_description", "outcome", "internal_notes"]
PUBLIC_FIELDS = ["public_description", "outcome"]
PUBLIC_COLUMN = "public_search_document"


def find_roadmap_items(user, query: str, limit: int) -> list[Hit]:
    team, shared = access.items_across(user)
    found = list(_rows(ranked(team, query, title="title", fields=TEAM_FIELDS, limit=limit), limit))
    shared_found = ranked(shared, query, title="title", fields=PUBLIC_FIELDS, column=PUBLIC_COLUMN, limit=limit)
    found += _rows(shared_found, limit)
    return [_hit(item) for item in found]


def _rows(items, limit):
    return items.select_related("product").only("title", "status", "product__slug", "product__name")[:limit]


def _hit(item: RoadmapItem) -> Hit:
    return Hit(
        kind="Roadmap item",
        reference="",
        title=item.title,
        url=reverse("roadmap:item", args=[item.product.slug, item.pk]),
        product=item.product.name,
        rank=float(getattr(item, "search_rank", 0) or 0),
        extra={"status": item.get_status_display()},
    )
