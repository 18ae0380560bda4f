"""The way to a product's surveys, rounds and happiness reports: pages,
downloads and API views find them here, inside the product they were reached
through, checked against the action they are about to do.

Survey rights are per product (apps.accounts.permissions: the team reads
reports, product managers run surveys); there is no row-level rule on top, so
the lists are the selectors' (`surveys_of`, `rounds_of`, `reports_of`) once
the product has been reached with `get_product`. A report's action items (the
plan) are reached through their report: `access_report_of_round(...,
MANAGE_SURVEYS)` is the door for changing them.

The personal survey link is its own way in (apps.reports.links): it needs no
sign-in, and the signed token is the person's key.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.permissions import Action, product_ids_where, require
from apps.core.lookups import one_by_id
from apps.products.models import Product
from apps.reports import selectors
from apps.reports.models import HappinessReport, Invitation, Survey, SurveyRound

VIEW = Action.VIEW_HAPPINESS_REPORTS


def access_survey(user, product: Product, survey_id, action: Action = VIEW) -> Survey:
    """The survey with its schedule and open-round count: 404 outside the product."""
    require(user, action, product)
    return one_by_id(selectors.surveys_of(product), survey_id, "No such survey in this product.")


def access_round(user, product: Product, round_id, action: Action = VIEW) -> SurveyRound:
    """The round with its answer count and its report, if built (`selectors.report_of`)."""
    require(user, action, product)
    return one_by_id(selectors.rounds_with_report(product), round_id, "No such survey round in this product.")


def access_report_of_round(user, product: Product, round_id, action: Action = VIEW) -> HappinessReport:
    """The report of a round (page downloads, the plan): 404 until it is built."""
    report = selectors.report_of(access_round(user, product, round_id, action))
    if report is None:
        raise Http404("This round has no report yet.")
    return report


def access_report(user, product: Product, report_id, action: Action = VIEW) -> HappinessReport:
    """A report by its own id (the API), with its round and action items."""
    require(user, action, product)
    return one_by_id(selectors.reports_of(product), report_id, "No such happiness report in this product.")


def my_open_invitations(user) -> QuerySet[Invitation]:
    """Across the user's products: the rounds they were asked to answer and
    have not yet, while those rounds are open (My work). Each is answered
    through the signed-in way in, `reports:answer-mine`."""
    return (
        Invitation.objects.filter(
            person_id=user.pk,
            answered=False,
            round__status=SurveyRound.Status.OPEN,
            round__closes_at__gt=timezone.now(),
            round__survey__product_id__in=product_ids_where(user, Action.VIEW_PRODUCT),
        )
        .select_related("round__survey__product")
        .order_by("round__closes_at", "pk")
    )
