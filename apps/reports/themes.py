"""Free-text answers grouped into recurring themes by keywords.

Plain keyword grouping: predictable, explainable to the people who answered,
and good enough to see that "documentation" came up nine times. A word
matches a keyword when it starts with it ("doc" matches "docs").
"""

import re
from dataclasses import dataclass

THEMES: dict[str, tuple[str, ...]] = {
    "Documentation": ("doc", "readme", "guide", "tutorial", "example", "wiki", "explain"),
    "Stability": ("stab", "unstab", "crash", "outage", "down", "flak", "broke", "bug", "fail", "error", "reliab"),
    "Speed": ("slow", "fast", "speed", "latenc", "perform", "timeout", "wait", "quick"),
    "Data quality": ("data", "stale", "fresh", "quality", "accura", "incomplete"),
    "Access and onboarding": ("access", "permission", "onboard", "login", "setup", "approv"),
    "Communication and support": ("support", "communicat", "help", "slack", "respon", "meeting", "update", "feedback"),
    "Ease of use": ("ui", "ux", "interface", "usab", "confus", "intuitiv", "easy", "simple", "clunky"),
    "Features": ("feature", "api", "integrat", "export", "dashboard", "tool", "self-serv"),
}
OTHER = "Other"
QUOTES_PER_THEME = 3
_WORD = re.compile(r"[a-z][a-z-]*")


@dataclass
class Theme:
    name: str
    count: int
    quotes: list[str]


def themes_of(text: str) -> list[str]:
    """Every theme the text touches, the one it is counted under first."""
    words = _WORD.findall(text.lower())
    hits = {name: sum(w.startswith(stems) for w in words) for name, stems in THEMES.items()}
    found = sorted((name for name, count in hits.items() if count), key=lambda name: -hits[name])
    return found or [OTHER]


def theme_of(text: str) -> str:
    """The one theme an answer counts for: the one most of its words point to
    (the first in THEMES on a tie)."""
    return themes_of(text)[0]


def group_into_themes(answers: list[str]) -> list[Theme]:
    """Themes by how often they come up, each with a few example quotes. Each
    answer counts once, under its main theme (`theme_of`), so the counts add
    up to the number of answers; empty answers are skipped."""
    grouped: dict[str, Theme] = {}
    for answer in answers:
        answer = answer.strip()
        if not answer:
            continue
        name = theme_of(answer)
        theme = grouped.setdefault(name, Theme(name=name, count=0, quotes=[]))
        theme.count += 1
        if len(theme.quotes) < QUOTES_PER_THEME:
            theme.quotes.append(answer)
    # "Other" last whatever its count: it is what the keywords did not recognise.
    return sorted(grouped.values(), key=lambda t: (t.name == OTHER, -t.count, t.name))
