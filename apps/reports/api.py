"""REST endpoints for surveys, rounds, happiness reports and subscriptions.

No endpoint lists responses or who answered: the API offers the same
aggregated snapshot as the report page and nothing below it.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import Action
from apps.products.access import ProductScopedMixin, get_product
from apps.reports import selectors, services
from apps.reports.access import access_report, access_round, access_survey
from apps.reports.filters import HappinessReportFilter, SurveyRoundFilter
from apps.reports.models import HappinessReport, Survey, SurveyRound
from apps.reports.serializers import (
    HappinessReportSerializer,
    HappinessReportSummarySerializer,
    ReportActionsSerializer,
    SubscriptionSerializer,
    SurveyInputSerializer,
    SurveyRoundSerializer,
    SurveySerializer,
    SurveyUpdateSerializer,
)

VIEW = Action.VIEW_HAPPINESS_REPORTS
MANAGE = Action.MANAGE_SURVEYS


class SurveyViewSet(ProductScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A product's happiness surveys. The team reads them; product managers
    create them, change their cadence (kept in django-celery-beat) and open rounds."""

    serializer_class = SurveySerializer
    required = {"list": VIEW, "retrieve": VIEW}
    default_required = MANAGE
    filterset_fields = ["audience"]
    ordering_fields = ["title", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Survey.objects.none()
        return selectors.surveys_of(self.product)

    def get_object(self) -> Survey:
        return access_survey(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    @extend_schema(request=SurveyInputSerializer, responses={201: SurveySerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(SurveyInputSerializer, request.data)
        survey = services.survey_create(actor=request.user, product=self.product, **data)
        return Response(SurveySerializer(self._survey(survey.pk)).data, status=201)

    @extend_schema(request=SurveyUpdateSerializer, responses=SurveySerializer)
    def partial_update(self, request, *args, **kwargs):
        survey = self.get_object()
        data = _valid(SurveyUpdateSerializer, request.data, partial=True)
        if "version" not in data:
            raise ValidationError({"version": ["Send the version you edited."]})
        services.survey_update(actor=request.user, survey=survey, expected_version=data.pop("version"), **data)
        return Response(SurveySerializer(self._survey(survey.pk)).data)

    @extend_schema(request=None, responses={201: SurveyRoundSerializer})
    @action(detail=True, methods=["post"], url_path="open-round")
    def open_round(self, request, *args, **kwargs):
        """Open the next round now (the schedule's next run then finds it open and does nothing)."""
        round_ = services.round_open_now(survey=self.get_object(), actor=request.user)
        opened = access_round(request.user, self.product, round_.pk, self.required_action)
        return Response(SurveyRoundSerializer(opened).data, status=201)

    def _survey(self, survey_id: int) -> Survey:
        """The survey as the list shows it (schedule, open rounds), after a change."""
        return access_survey(self.request.user, self.product, survey_id, self.required_action)


class SurveyRoundViewSet(ProductScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Rounds of the product's surveys with their answer counts (never who answered)."""

    serializer_class = SurveyRoundSerializer
    required = {"list": VIEW, "retrieve": VIEW}
    default_required = MANAGE
    filterset_class = SurveyRoundFilter
    ordering_fields = ["opened_at", "number"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SurveyRound.objects.none()
        return selectors.rounds_of(self.product)

    def get_object(self) -> SurveyRound:
        return access_round(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    @extend_schema(request=None, responses=SurveyRoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close the round now; its report is built in the background."""
        round_ = self.get_object()
        services.round_close_now(round_=round_, actor=request.user)
        return Response(SurveyRoundSerializer(self.get_object()).data)


class HappinessReportViewSet(ProductScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Report snapshots, one per closed round. Slices with too few answers
    carry no figures here either."""

    required = {"list": VIEW, "retrieve": VIEW}
    default_required = MANAGE
    filterset_class = HappinessReportFilter
    ordering_fields = ["built_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return HappinessReport.objects.none()
        return selectors.reports_of(self.product)

    def get_object(self) -> HappinessReport:
        return access_report(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    def get_serializer_class(self):
        return HappinessReportSummarySerializer if self.action == "list" else HappinessReportSerializer

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def rebuild(self, request, *args, **kwargs):
        """Rebuild the snapshot in the background; an unchanged one is not emailed again."""
        services.report_rebuild(actor=request.user, round_=self.get_object().round)
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=ReportActionsSerializer, responses=HappinessReportSerializer)
    @action(detail=True, methods=["put"])
    def actions(self, request, *args, **kwargs):
        """Set "what we will do about it": a note and the backlog items (by number) that deliver it."""
        data = _valid(ReportActionsSerializer, request.data)
        services.report_actions_set(
            actor=request.user,
            report=self.get_object(),
            note=data["note"],
            item_numbers=data["items"],
            expected_version=data["actions_version"],
        )
        return Response(HappinessReportSerializer(self.get_object()).data)


class ReportSubscriptionView(APIView):
    """Whether you get this product's happiness reports by email."""

    @extend_schema(responses=SubscriptionSerializer)
    def get(self, request, product_slug):
        product = get_product(request.user, product_slug, VIEW)
        return Response({"subscribed": selectors.is_subscribed(request.user, product)})

    @extend_schema(request=SubscriptionSerializer, responses=SubscriptionSerializer)
    def put(self, request, product_slug):
        product = get_product(request.user, product_slug, VIEW)
        data = _valid(SubscriptionSerializer, request.data)
        subscribed = services.subscription_set(actor=request.user, product=product, subscribed=data["subscribed"])
        return Response({"subscribed": subscribed})


def _valid(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
