from django import template
from django.utils import timezone
from django.utils.html import format_html_join

register = template.Library()

ARROWS = {"up": "▲", "down": "▼", "same": "="}
ARROW_WORDS = {"up": "better than the check before", "down": "worse than the check before", "same": "about the same"}


@register.filter
def seconds_left(moment) -> int:
    """Seconds until `moment` (0 once past), for the discussion timer."""
    if moment is None:
        return 0
    return max(int((moment - timezone.now()).total_seconds()), 0)


@register.filter
def clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def arrow(direction: str) -> str:
    return ARROWS.get(direction, "")


@register.filter
def arrow_words(direction: str) -> str:
    return ARROW_WORDS.get(direction, "")


@register.filter
def times(count: int) -> range:
    return range(count or 0)


@register.simple_tag
def card_items(cards) -> str:
    """The <li> of each card, read-only (a board shows hundreds: drawn here, not in a template loop)."""
    return format_html_join(
        "",
        '<li class="retro-card{}" data-card="{}"><span class="text">{}</span><span class="meta">{}</span></li>',
        (
            (
                " anonymous" if card.anonymous else "",
                card.pk,
                card.content,
                "anonymous" if card.anonymous else card.author,
            )
            for card in cards
        ),
    )
