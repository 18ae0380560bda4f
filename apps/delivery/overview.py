"""What delivery adds to the product overview (/p/<slug>/) through
apps.products.sections, so the overview never imports this app.

- Stakeholders land there and see their own requests with status and
  expected delivery, the shared roadmap, the latest published delivery
  summary and the latest published happiness report (aggregates, and only the
  quotes the PM picked). Nothing internal: every list goes through the owning
  app's access functions, which give a stakeholder only what they may see.
- The team sees the latest report's summary, with links to the reports and
  the dashboard.
"""

from apps.accounts.models import Role
from apps.accounts.permissions import Action
from apps.delivery import access, selectors
from apps.products import sections
from apps.reports import selectors as report_selectors
from apps.requests import access as request_access
from apps.requests.delivery import expected_deliveries
from apps.roadmap import access as roadmap_access

MY_REQUESTS = 20
SHARED_ITEMS = 20


def stakeholder_section(request, *, product) -> dict | None:
    if product.viewer_role != Role.STAKEHOLDER:
        return None
    user = request.user
    mine = list(
        request_access.visible_requests(user, product)
        .filter(requester=user)
        .select_related("product")
        .order_by("-created_at", "-pk")[:MY_REQUESTS]
    )
    forecasts = expected_deliveries(mine)
    roadmap = list(
        roadmap_access.visible_items(user, product)
        .filter(shared=True)
        .exclude(status__in=["dropped"])
        .order_by("horizon", "rank")
        .only("pk", "title", "horizon", "status", "target_date", "target_quarter")[:SHARED_ITEMS]
    )
    happiness = report_selectors.latest_published_report(product)
    return {
        "my_requests": [(r, forecasts.get(r.pk)) for r in mine],
        "shared_roadmap": roadmap,
        "published": access.published_summary(user, product),
        "happiness": happiness,
        "happiness_overall": (happiness.figures or {}).get("overall") if happiness else None,
    }


def team_section(request, *, product) -> dict | None:
    return {
        "latest": selectors.latest_report(product),
        "published": selectors.latest_published(product),
    }


def register() -> None:
    sections.register(
        template="delivery/_overview_stakeholder.html",
        provider=stakeholder_section,
        needs=Action.VIEW_PUBLISHED_DELIVERY,
        order=10,
    )
    sections.register(
        template="delivery/_overview_team.html",
        provider=team_section,
        needs=Action.VIEW_DELIVERY_REPORTS,
        order=20,
    )
