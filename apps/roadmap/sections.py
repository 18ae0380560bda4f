"""What the roadmap adds to lower apps' pages through their section hooks
(registered in RoadmapConfig.ready): on a hypothesis's page, the roadmap
items that bet on it."""

from apps.accounts.permissions import Action, can
from apps.roadmap import access, selectors


def hypothesis_roadmap_items(request, *, product, hypothesis) -> dict | None:
    """The items linking the hypothesis that the viewer may see (a stakeholder:
    the shared ones); nothing at all for someone outside the team when none is shown."""
    items = list(selectors.roadmap_items(access.items_linking(request.user, product, hypothesis)))
    team = access.sees_internals(request.user, product)
    if not items and not team:
        return None
    return {"roadmap_items": items, "team": team, "can_edit": can(request.user, Action.EDIT_ROADMAP, product)}
