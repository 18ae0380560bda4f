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

from django.utils.safestring import SafeString

from apps.accounts.permissions import Action
from apps.products.sections import Provider, Sections

# The slots: where on which page a section appears.
SPRINT_OVERVIEW = "overview"  # the sprint page, after the stages; objects: sprint
SPRINT_REVIEW = "review"  # the sprint review, after the feedback; objects: sprint
ITEM_LINKS = "item_links"  # <li> lines in a backlog item's links; objects: item
ITEM_PANELS = "item_panels"  # cards in the side column of a backlog item's page; objects: item
SLOTS = (SPRINT_OVERVIEW, SPRINT_REVIEW, ITEM_LINKS, ITEM_PANELS)

_sections: dict[str, Sections] = {slot: Sections() for slot in SLOTS}


def register(slot: str, *, template: str, provider: Provider, needs: Action, order: int = 100) -> None:
    """Add a section to a slot; registering the same one again changes nothing."""
    if slot not in _sections:
        raise ValueError(f"No such slot for sprint sections: {slot!r} (one of {', '.join(SLOTS)}).")
    _sections[slot].register(template=template, provider=provider, needs=needs, order=order)


def render(slot: str, request, *, product, **objects) -> SafeString:
    """The HTML of the slot's sections the viewer may see, in order."""
    return _sections[slot].render(request, product=product, **objects)
