"""Global search: the apps whose objects can be found register a provider
(in their AppConfig.ready), so home imports none of them:

    search.register(search.Provider(
        name="items", label="Backlog items",
        find=find_items,        # (user, query, limit) -> list[Hit], ranked, what the user may see only
        jump=jump_to_item,      # (user, reference) -> list[Hit] for "#123", or None
        jump_pattern=r"#(\\d+)",
    ))

Each provider searches through its app's list filters (`visible_*`,
`product_ids_where`) and only in the fields its pages show the person, so
search never finds what a page would hide. Ranking is PostgreSQL full-text
search where it runs (apps.core.search), a plainer match elsewhere.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Hit:
    kind: str  # the provider's label, singular: "Item", "Request"
    reference: str  # "#12", "R-4", ""
    title: str
    url: str
    product: str
    rank: float = 0.0
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    find: Callable[..., list[Hit]]
    jump: Callable[..., list[Hit]] | None = None
    jump_pattern: str | None = None
    order: int = 100


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    _providers[provider.name] = provider


def providers() -> list[Provider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.name))


MAX_QUERY = 200


def jump(user, query: str) -> list[Hit] | None:
    """Hits for a reference ("#123", "R-4") if the query is one; None otherwise."""
    text = query.strip()
    for provider in providers():
        if provider.jump is None or provider.jump_pattern is None:
            continue
        match = re.fullmatch(provider.jump_pattern, text, flags=re.IGNORECASE)
        if match:
            return provider.jump(user, match.group(1))
    return None


def search(user, query: str, *, kinds: list[str] | None = None, limit: int = 20) -> list[Hit]:
    """The best `limit` hits of every provider (or those named), merged by rank."""
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        return []
    hits: list[Hit] = []
    for provider in providers():
        if kinds and provider.name not in kinds:
            continue
        hits.extend(provider.find(user, query, limit))
    hits.sort(key=lambda hit: -hit.rank)
    return hits[:limit]
