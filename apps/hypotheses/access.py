"""The way to a product's assumptions (and, as they arrive, its hypotheses,
experiments and release gates). Pages and API views reach them only here: the
role is checked for `action` (apps.accounts.permissions), the object is found
inside the product, 404 for an id that is not there, 403 for a missing right.

Row-level rules of this app (an unpublished hypothesis, when hypotheses come)
are written here once, in the `access_*` function and the `visible_*` list
filter of the same resource.
"""

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.permissions import Action, require
from apps.core.http import as_id
from apps.hypotheses import selectors
from apps.hypotheses.models import Assumption
from apps.products.models import Product
from apps.sprints.models import Sprint


def visible_assumptions(user, product: Product, *, sprint: Sprint | None = None) -> QuerySet[Assumption]:
    """The product's assumptions (of one sprint, if given) the viewer may see."""
    require(user, Action.VIEW_ASSUMPTIONS, product)
    return selectors.assumptions(product, sprint=sprint)


def access_assumption(
    user,
    product: Product,
    assumption_id,
    action: Action = Action.VIEW_ASSUMPTIONS,
    *,
    rows: QuerySet[Assumption] | None = None,
) -> Assumption:
    """An assumption of the product. `rows`: a selector's queryset to read it
    from when the answer shows more of it (its follow-ups, say)."""
    require(user, action, product)
    pk = as_id(assumption_id)
    rows = Assumption.objects.select_related("sprint") if rows is None else rows
    assumption = None if pk is None else rows.filter(product=product, pk=pk).first()
    if assumption is None:
        raise Http404("No such assumption in this product.")
    # Keep the viewer's role on the product, and spare a query for the sprint's link.
    assumption.product = product
    if assumption.sprint is not None:
        assumption.sprint.product = product
    return assumption
