"""Sections that apps above products add to the product overview (/p/<slug>/),
so products never imports them (the page hook, as apps/sprints/sections.py is
for sprint pages). Delivery reports add what stakeholders land on (their
requests with forecasts, the shared roadmap, the published summaries) and the
team's latest delivery summary.

A section is a template of the higher app rendered on the server (the page
works without JavaScript) with the context its provider returns. The app
registers it in its AppConfig.ready:

    sections.register(
        template="delivery/_overview_stakeholder.html",
        provider=stakeholder_section,  # (request, *, product) -> dict | None
        needs=Action.VIEW_PUBLISHED_DELIVERY,
        order=10,
    )

and the overview renders every section in order with
`{% load product_sections %}{% product_sections %}`.

- A section shows only to a viewer whose role allows `needs` (the product's
  `viewer_role`, set by get_product); its provider may still return None.
- The provider reads through its app's access functions and selectors, in a
  number of queries that does not grow with the rows shown.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from apps.accounts.permissions import Action, allows

Provider = Callable[..., dict | None]  # (request, *, product, **objects) -> context or None


@dataclass(frozen=True)
class Section:
    template: str
    provider: Provider
    needs: Action
    order: int = 100


class Sections:
    """One place on a page that higher apps add sections to: the overview's
    below, and each slot of apps/sprints/sections.py."""

    def __init__(self) -> None:
        self._sections: list[Section] = []

    def register(self, *, template: str, provider: Provider, needs: Action, order: int = 100) -> None:
        """Add a section; registering the same one again changes nothing."""
        section = Section(template=template, provider=provider, needs=needs, order=order)
        if section not in self._sections:
            self._sections.append(section)
            self._sections.sort(key=lambda registered: registered.order)

    def render(self, request, *, product, **objects) -> SafeString:
        """The HTML of the sections the viewer may see, in order; each template
        gets `product`, the page's objects and its provider's context."""
        parts = []
        for section in self._sections:
            if not allows(getattr(product, "viewer_role", None), section.needs):
                continue
            context = section.provider(request, product=product, **objects)
            if context is None:
                continue
            context = {"product": product, **objects, **context}
            parts.append(render_to_string(section.template, context, request=request))
        return format_html_join("", "{}", ((part,) for part in parts))


_overview = Sections()


def register(*, template: str, provider: Provider, needs: Action, order: int = 100) -> None:
    """Add a section to the overview; registering the same one again changes nothing."""
    _overview.register(template=template, provider=provider, needs=needs, order=order)


def render(request, *, product) -> SafeString:
    """The HTML of the overview's sections the viewer may see, in order."""
    return _overview.render(request, product=product)
