"""What the apps that emit events tell the notification system about the
objects they notify about. Notifications sits low in the layers and imports
none of them, so each registers its rules in its AppConfig.ready:

    targets.register(
        BacklogItem,
        audience=lambda item, user_ids: ...,   # which of these people may see it now
        email=render_item_email,               # (notification) -> (subject, body), optional
    )

`audience` is asked when a notification is queued and again when it is sent,
so someone who lost the right to see the object in between is not told (the
row is withdrawn from the bell too). Without a rule, membership of the
notification's product is the only check.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models

Audience = Callable[[models.Model, set[int]], set[int]]
EmailRenderer = Callable[..., tuple[str, str]]  # (notification) -> (subject, body)


@dataclass(frozen=True)
class Rules:
    audience: Audience | None = None
    email: EmailRenderer | None = None


_rules: dict[str, Rules] = {}


def register(
    model: type[models.Model], *, audience: Audience | None = None, email: EmailRenderer | None = None
) -> None:
    """Register (or replace) the rules of a model's objects."""
    _rules[model._meta.label_lower] = Rules(audience=audience, email=email)


def rules_of(model: type[models.Model] | None) -> Rules:
    if model is None:
        return Rules()
    return _rules.get(model._meta.label_lower, Rules())


def may_see(target: models.Model | None, user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` who may see `target` now (all of them without a rule)."""
    wanted = set(user_ids)
    if target is None or not wanted:
        return wanted
    rule = rules_of(type(target)).audience
    return wanted if rule is None else set(rule(target, wanted)) & wanted
