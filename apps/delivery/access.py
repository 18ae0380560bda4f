"""The way to a product's delivery reports: pages, downloads and the API find
them here, inside the product they were reached through, checked against the
action they are about to do (apps.accounts.permissions: the team reads reports
and the dashboard, the PM manages the cadence and publishes; everyone in the
product sees the latest published summary, and stakeholders nothing else)."""

from apps.accounts.permissions import Action, require
from apps.core.lookups import one_by_id
from apps.delivery import selectors
from apps.delivery.models import DeliveryReport
from apps.products.models import Product

VIEW = Action.VIEW_DELIVERY_REPORTS


def visible_reports(user, product: Product):
    """The list filter: the product's reports for a member who may read them."""
    require(user, VIEW, product)
    return selectors.report_list(product)


def access_report(user, product: Product, report_id, action: Action = VIEW) -> DeliveryReport:
    """One report of the product: 404 outside it or for a bad id, 403 for a missing right."""
    require(user, action, product)
    return one_by_id(selectors.reports_of(product), report_id, "No such delivery report in this product.")


def published_summary(user, product: Product) -> DeliveryReport | None:
    """The latest published report (its summary only is for everyone)."""
    require(user, Action.VIEW_PUBLISHED_DELIVERY, product)
    return selectors.latest_published(product)
