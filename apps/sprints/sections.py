"""Sections that apps above sprints add to sprint pages, so sprints never
imports them (the hook for pages, as apps/backlog/events.py is for reactions).

Hypotheses adds a sprint's planning assumptions to the sprint overview, the
experiments concluded in the sprint to its review, the "follow-up of a wrong
assumption" and "tests hypothesis" lines to a backlog item's links and the
item's model versions with their release gates to the item page; the next
apps (retrospectives) add theirs the same way.

A section is a template of the higher app, rendered on the server (the page
works without JavaScript) with the context its provider returns. The app
registers it in its AppConfig.ready:

    sections.register(
        sections.SPRINT_OVERVIEW,
        template="hypotheses/_assumptions.html",
        provider=assumptions_section,  # (request, *, product, sprint) -> dict | None
        needs=Action.VIEW_ASSUMPTIONS,
        order=10,
    )

and the page's template renders every section of the slot in order:
`{% load sprint_sections %}{% sprint_sections "overview" sprint=sprint %}`.

- A section shows only to a viewer whose role in the product allows `needs`
  (the template's `product.viewer_role`, set by get_product).
- The provider gets the request, the product and the page's objects, reads
  what it shows through its app's selectors (constant queries: the pages'
  query-count tests include every section) and returns the template context,
  or None to show nothing. The template also gets `product` and the objects.
- Forms in a section post to the higher app's own views.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from apps.accounts.permissions import Action, allows

# The slots: where on which page a section appears.
SPRINT_OVERVIEW = "overview"  # the sprint page, after the stages; objects: sprint
SPRINT_REVIEW = "review"  # the sprint review, after the feedback; objects: sprint
ITEM_LINKS = "item_links"  # <li> lines in a backlog item's links; objects: item
ITEM_PANELS = "item_panels"  # cards in the side column of a backlog item's page; objects: item
SLOTS = (SPRINT_OVERVIEW, SPRINT_REVIEW, ITEM_LINKS, ITEM_PANELS)

Provider = Callable[..., dict | None]  # (request, *, product, **objects) -> context or None


@dataclass(frozen=True)
class Section:
    template: str
    provider: Provider
    needs: Action
    order: int = 100


_sections: dict[str, list[Section]] = {slot: [] for slot in SLOTS}


def register(slot: str, *, template: str, provider: Provider, needs: Action, order: int = 100) -> None:
    """Add a section to a slot; registering the same one again changes nothing."""
    if slot not in _sections:
        raise ValueError(f"No such slot for sprint sections: {slot!r} (one of {', '.join(SLOTS)}).")
    section = Section(template=template, provider=provider, needs=needs, order=order)
    if section not in _sections[slot]:
        _sections[slot].append(section)
        _sections[slot].sort(key=lambda registered: registered.order)


def render(slot: str, request, *, product, **objects) -> SafeString:
    """The HTML of the slot's sections the viewer may see, in order."""
    parts = []
    for section in _sections[slot]:
        if not allows(getattr(product, "viewer_role", None), section.needs):
            continue
        context = section.provider(request, product=product, **objects)
        if context is None:
            continue
        parts.append(render_to_string(section.template, {"product": product, **objects, **context}, request=request))
    return format_html_join("", "{}", ((part,) for part in parts))
