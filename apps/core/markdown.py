"""Markdown from users, rendered to HTML that is safe to put on a page."""

import hashlib
import threading

import markdown as md
import nh3
from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


# Building a converter registers some forty processors (half a millisecond), so each
# thread keeps one and resets it between texts; a list page renders fifty of them.
_converters = threading.local()


def _converter() -> md.Markdown:
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = md.Markdown(extensions=["fenced_code", "tables", "sane_lists"])
    return converter


def render_markdown(text: str) -> SafeString:
    if not text:
        return mark_safe("")
    converter = _converter()
    try:
        html = converter.convert(text)
    finally:
        converter.reset()
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 -- nh3 has removed everything not allowed above


# Rendered texts kept in the per-process "fragments" cache, keyed by a digest of
# the text itself (and of this renderer's settings): the same text always renders
# the same, so an edit makes a new key and nothing is ever stale.
_RENDERER = "md1"


def render_markdown_many(texts: list[str]) -> list[SafeString]:
    """`render_markdown` of each text, read from the fragments cache where it
    was rendered before (one cache call for the lot)."""
    keys = [f"{_RENDERER}:{hashlib.blake2b(text.encode(), digest_size=16).hexdigest()}" for text in texts]
    cache = caches["fragments"]
    found = cache.get_many(keys)
    fresh = {}
    out = []
    for key, text in zip(keys, texts, strict=True):
        html = found.get(key)
        if html is None:
            html = fresh[key] = str(render_markdown(text))
        out.append(mark_safe(html))  # noqa: S308 -- rendered (and cleaned) by render_markdown
    if fresh:
        cache.set_many(fresh, 24 * 3600)
    return out
