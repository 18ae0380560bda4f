"""The way to a product's sprints and what is inside them. Pages, htmx
fragments and API views reach a sprint, a stage, an item of a sprint or an exit
criterion only through these functions. Each takes the product (found with
apps.products.access.get_product), checks the viewer's role for `action`
(apps.accounts.permissions) and finds the object inside that product: 404 for
an id that is not there or cannot be an id, 403 for a missing right.

An object named in a submitted form or body rather than in the URL is looked
up with `field=`: a miss is then an error of that field (400), like any other
invalid input, instead of a 404.

There is no row-level rule for sprints: every member of the team sees every
sprint of the product. Lists are therefore the selectors of a product found
with VIEW_SPRINTS (`selectors.sprint_list(product)`) or of an object found here
(`selectors.sprint_entries(sprint)`, ...). Per-person capacities are such a
list too: read with `selectors.capacities(sprint)` and replaced as a whole by
`services.sprint_set_capacity`, never named one by one by a page or endpoint.
"""

from django.http import Http404

from apps.accounts.permissions import Action, require
from apps.backlog import access as backlog_access
from apps.backlog.models import BacklogItem
from apps.core.http import as_id
from apps.core.lookups import missing, one_by_id
from apps.products.models import Product
from apps.sprints.models import ExitCriterion, Sprint, SprintItem, SprintStage

VIEW = Action.VIEW_SPRINTS


def access_sprint(user, product: Product, sprint_id, action: Action = VIEW, *, field: str | None = None) -> Sprint:
    require(user, action, product)
    sprint = one_by_id(
        Sprint.objects.filter(product=product), sprint_id, "No such sprint in this product.", field=field
    )
    sprint.product = product  # keeps the viewer's role set by get_product
    return sprint


def access_stage(
    user, product: Product, stage_id, action: Action = VIEW, *, sprint: Sprint, field: str | None = None
) -> SprintStage:
    """A stage of `sprint` (a sprint found with access_sprint)."""
    require(user, action, product)
    stage = one_by_id(
        SprintStage.objects.filter(sprint=sprint), stage_id, f"No such stage in {sprint.name}.", field=field
    )
    stage.sprint = sprint
    return stage


def access_sprint_item(
    user, product: Product, item_id, action: Action = VIEW, *, sprint: Sprint, field: str | None = None
) -> SprintItem:
    """The entry of a backlog item (by the item's id) in `sprint`, whatever its outcome there."""
    require(user, action, product)
    pk = as_id(item_id)
    # item__pk rather than item_id: see as_id; a number too large is no row's id.
    entry = None if pk is None else SprintItem.objects.filter(sprint=sprint, item__pk=pk).select_related("item").first()
    if entry is None:
        raise missing(f"That item is not in {sprint.name}.", field)
    entry.sprint = sprint
    return entry


def access_criterion(
    user, product: Product, criterion_id, action: Action = VIEW, *, stage: SprintStage
) -> ExitCriterion:
    """An exit criterion of `stage` (a stage found with access_stage)."""
    require(user, action, product)
    criterion = one_by_id(
        ExitCriterion.objects.filter(stage=stage), criterion_id, f"No such exit criterion in {stage.name}."
    )
    criterion.stage = stage
    return criterion


def access_backlog_item(
    user, product: Product, item_id, action: Action = Action.PLAN_SPRINTS, *, field: str | None = None
) -> BacklogItem:
    """A backlog item of the product, by id, to plan into a sprint (found by apps.backlog.access)."""
    try:
        return backlog_access.access_item_by_id(user, product, item_id, action)
    except Http404 as absent:
        raise missing(str(absent), field) from None
