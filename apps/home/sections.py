"""The sections of "My work" (the home page, across all of a person's
products), added by the apps whose work they show, so home imports none of
them (the hook for pages, as apps/sprints/sections.py is for sprint pages).
In the app's AppConfig.ready:

    sections.register(
        name="my-items",
        title="Items assigned to me",
        template="backlog/_my_items.html",
        provider=my_items_section,   # (request) -> dict | None
        order=10,
    )

The provider reads through its app's list filters (`visible_*`,
`product_ids_where`), so My work never shows what the app's pages would
hide, with a constant number of queries however many products or rows; it
returns the template's context, or None to leave the section out.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

Provider = Callable[..., dict | None]


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    template: str
    provider: Provider
    order: int = 100


_sections: dict[str, Section] = {}


def register(*, name: str, title: str, template: str, provider: Provider, order: int = 100) -> None:
    _sections[name] = Section(name=name, title=title, template=template, provider=provider, order=order)


def render(request) -> list[dict]:
    """The sections that have something to say to this person, in order, as {name, title, html}."""
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.name)):
        context = section.provider(request)
        if context is None:
            continue
        html = render_to_string(section.template, {"section": section, **context}, request=request)
        shown.append({"name": section.name, "title": section.title, "html": mark_safe(html)})  # noqa: S308 -- a rendered template
    return shown
