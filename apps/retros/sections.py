"""What this app adds to the sprint pages, through apps.sprints.sections
(registered in RetrosConfig.ready, so sprints never imports retros): on a
sprint's overview, its retrospectives (or the button to open one) and the
product's overdue retro actions."""

from apps.accounts.permissions import Action
from apps.retros import selectors
from apps.sprints import sections


def sprint_retros(request, *, product, sprint) -> dict:
    return selectors.sprint_section(product, sprint)


def register() -> None:
    sections.register(
        sections.SPRINT_OVERVIEW,
        template="retros/_sprint_section.html",
        provider=sprint_retros,
        needs=Action.VIEW_RETROS,
        order=20,
    )
