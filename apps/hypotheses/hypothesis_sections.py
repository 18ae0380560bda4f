"""Sections that apps above hypotheses add to a hypothesis's page, so this app
never imports them (the page hook, as apps/sprints/sections.py is for sprint
pages). The roadmap adds the roadmap items that bet on the hypothesis.

A section is a template of the higher app, rendered on the server (the page
works without JavaScript) with the context its provider returns. The app
registers it in its AppConfig.ready:

    hypothesis_sections.register(
        template="roadmap/_hypothesis_roadmap_items.html",
        provider=roadmap_items_section,  # (request, *, product, hypothesis) -> dict | None
        needs=Action.VIEW_SHARED_ROADMAP,
        order=10,
    )

and both shapes of the page (the team's and the published one stakeholders
read) render them with `{% load hypothesis_sections %}{% hypothesis_sections hypothesis=hypothesis %}`.

- A section shows only to a viewer whose role allows `needs` (the product's
  `viewer_role`, set by get_product); its provider may still return None.
- The page has already let the viewer see the hypothesis (a stakeholder: a
  published one); the provider shows of its own objects only what its app's
  access functions let the viewer see, in a number of queries that does not
  grow with the rows shown (the page's query-count tests include it).
"""

from django.utils.safestring import SafeString

from apps.accounts.permissions import Action
from apps.products.sections import Provider, Sections

_page = Sections()


def register(*, template: str, provider: Provider, needs: Action, order: int = 100) -> None:
    """Add a section to the hypothesis page; registering the same one again changes nothing."""
    _page.register(template=template, provider=provider, needs=needs, order=order)


def render(request, *, product, hypothesis) -> SafeString:
    """The HTML of the sections the viewer may see, in order."""
    return _page.render(request, product=product, hypothesis=hypothesis)
