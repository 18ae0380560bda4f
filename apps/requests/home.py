"""The requests app's parts of the home page (apps.home): in My work, the
requests waiting for my decision (product managers) and the ones I raised;
requests in the global search. They read through apps.requests.access, so
nobody finds a private request of someone else; registered in RequestsConfig.ready."""

from django.urls import reverse

from apps.accounts.permissions import Action, product_ids_where
from apps.core.search import ranked
from apps.home.search import Hit
from apps.requests import access, selectors
from apps.requests.models import StakeholderRequest

SHOWN = 10
Status = StakeholderRequest.Status


def to_decide_section(request) -> dict | None:
    """New requests in the products where I decide (PMs), oldest first."""
    deciding = product_ids_where(request.user, Action.TRIAGE_REQUESTS)
    if not deciding:
        return None
    waiting = list(selectors.inbox(request.user).filter(product_id__in=deciding)[: SHOWN + 1])
    return {"requests": selectors.flag_service_levels(waiting[:SHOWN]), "more": len(waiting) > SHOWN}


def raised_section(request) -> dict | None:
    """Requests I raised, most recently changed first (hidden until I raise one)."""
    mine = list(
        access.followed_requests(request.user)
        .filter(requester=request.user)
        .select_related("product")
        .order_by("-updated_at", "-pk")[: SHOWN + 1]
    )
    if not mine:
        return None
    return {"requests": mine[:SHOWN], "more": len(mine) > SHOWN}


FIELDS = ["problem", "desired_outcome", "affected"]


def find_requests(user, query: str, limit: int) -> list[Hit]:
    found = ranked(access.requests_across(user), query, title="title", fields=FIELDS, limit=limit)
    rows = found.select_related("product").only("number", "title", "status", "product__slug", "product__name")
    return [_hit(row) for row in rows[:limit]]


def jump_to_request(user, number: str) -> list[Hit]:
    wanted = int(number) if number.isdecimal() and len(number) < 10 else 0
    rows = access.requests_across(user).filter(number=wanted).select_related("product").order_by("product__name")
    return [_hit(row) for row in rows.only("number", "title", "status", "product__slug", "product__name")[:20]]


def _hit(stakeholder_request: StakeholderRequest) -> Hit:
    return Hit(
        kind="Request",
        reference=stakeholder_request.reference,
        title=stakeholder_request.title,
        url=reverse("requests:detail", args=[stakeholder_request.product.slug, stakeholder_request.number]),
        product=stakeholder_request.product.name,
        rank=float(getattr(stakeholder_request, "search_rank", 0) or 0),
        extra={"status": stakeholder_request.get_status_display()},
    )
