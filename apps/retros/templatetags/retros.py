from django import template
from django.utils import timezone

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
