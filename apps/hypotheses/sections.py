"""What this app adds to the sprint pages, through apps.sprints.sections
(registered in HypothesesConfig.ready): a sprint's planning assumptions on its
overview, and on a backlog item the wrong assumption it follows up."""

from apps.accounts.permissions import Action
from apps.hypotheses import selectors
from apps.hypotheses.access import visible_assumptions
from apps.hypotheses.forms import AssumptionForm
from apps.sprints import sections


def sprint_assumptions(request, *, product, sprint) -> dict:
    """The sprint's assumptions, what the wrong ones cost, and the form to record one."""
    rows = list(visible_assumptions(request.user, product, sprint=sprint))
    return {"assumptions": rows, "wrong_cost": selectors.cost_of_wrong(rows), "assumption_form": AssumptionForm()}


def follow_up_links(request, *, product, item) -> dict | None:
    rows = selectors.spawning_assumptions(item)
    return {"assumptions": rows} if rows else None


def register() -> None:
    sections.register(
        sections.SPRINT_OVERVIEW,
        template="hypotheses/_assumptions.html",
        provider=sprint_assumptions,
        needs=Action.VIEW_ASSUMPTIONS,
    )
    sections.register(
        sections.ITEM_LINKS,
        template="hypotheses/_item_links.html",
        provider=follow_up_links,
        needs=Action.VIEW_ASSUMPTIONS,
    )
