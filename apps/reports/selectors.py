"""Reads about surveys and reports that the pages and the API share."""

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce

from apps.backlog.models import BacklogItem
from apps.reports.models import HappinessReport, Invitation, ReportSubscription, Survey, SurveyRound


def surveys_of(product) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(product=product)
        .select_related("schedule__interval", "schedule__crontab", "schedule__solar", "schedule__clocked")
        .annotate(open_round_count=Count("rounds", filter=Q(rounds__status=SurveyRound.Status.OPEN)))
        .order_by("title")
    )


def rounds_of(product, survey: Survey | None = None) -> QuerySet[SurveyRound]:
    """Rounds, newest first, with their answer counts and headline figures.

    `response_count` is exact once the round has closed. While it is open it
    moves only in steps of the survey's minimum (0 means "fewer than the
    minimum so far"), so nobody can time one answer by watching it; the exact
    number never leaves the database.

    `report_overall` is the overall slice of the round's report (None before
    it is built), not the whole snapshot: `figures.headline` reads the headline
    figures out of it, as the report and its comparison do.
    """
    rounds = SurveyRound.objects.filter(survey__product=product)
    if survey is not None:
        rounds = rounds.filter(survey=survey)
    return (
        rounds.select_related("survey")
        .annotate(
            response_count=_response_count(),
            has_report=Exists(HappinessReport.objects.filter(round=OuterRef("pk"))),
            report_overall=KeyTransform("overall", "report__figures"),
        )
        .order_by("-opened_at", "-pk")
    )


def _response_count() -> Case:
    # A subquery, not a join: a GROUP BY over invitations would also re-read the
    # snapshot JSON once per invitation. Counted from the "answered" marks, so
    # it holds for rounds whose answers were withheld (services._release).
    counts = (
        Invitation.objects.filter(round=OuterRef("pk"), answered=True)
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
    )
    answered = Coalesce(Subquery(counts.values("n")), 0)
    step = F("survey__min_responses")
    # Integer division on both databases: rounded down to a multiple of the minimum.
    coarse = ExpressionWrapper(answered / step * step, output_field=IntegerField())
    return Case(When(status=SurveyRound.Status.OPEN, then=coarse), default=answered, output_field=IntegerField())


def rounds_with_report(product) -> QuerySet[SurveyRound]:
    """Rounds one at a time (apps.reports.access): what the list shows, and
    the report joined in, so that `report_of` needs no query of its own."""
    return rounds_of(product).select_related("survey__product", "report")


def report_of(round_: SurveyRound) -> HappinessReport | None:
    """The round's report, or None before it is built."""
    # A missing one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(round_, "report", None)


def reports_of(product) -> QuerySet[HappinessReport]:
    return (
        HappinessReport.objects.filter(round__survey__product=product)
        .select_related("round__survey")
        .prefetch_related(action_items_prefetch())
        .order_by("-round__opened_at", "-pk")
    )


def action_items_prefetch() -> Prefetch:
    return Prefetch("action_items", queryset=BacklogItem.objects.order_by("number"))


def action_items_of(report: HappinessReport) -> list[BacklogItem]:
    return list(report.action_items.order_by("number"))


def is_subscribed(user, product) -> bool:
    return ReportSubscription.objects.filter(product=product, person=user).exists()


def open_invitations_of(user, product) -> QuerySet[Invitation]:
    """The user's invitations still waiting for an answer in the product."""
    return Invitation.objects.filter(
        person=user,
        answered=False,
        round__survey__product=product,
        round__status=SurveyRound.Status.OPEN,
    ).select_related("round__survey")


def latest_published_report(product) -> HappinessReport | None:
    """The happiness report the PM published last, for the stakeholders' view of the product."""
    return (
        HappinessReport.objects.filter(round__survey__product=product, published_at__isnull=False)
        .select_related("round__survey")
        .order_by("-published_at")
        .first()
    )
