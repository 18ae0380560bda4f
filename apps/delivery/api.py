"""REST endpoints of delivery reports: the team lists and reads reports (the
same snapshot as the report page), the PM publishes a summary, and everyone
in the product reads the latest published summary."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import Action
from apps.delivery import access, services
from apps.delivery.filters import DeliveryReportFilter
from apps.delivery.models import DeliveryReport
from apps.delivery.serializers import (
    DeliveryReportSerializer,
    DeliveryReportSummarySerializer,
    PublishedSummarySerializer,
    PublishSerializer,
)
from apps.products.access import ProductScopedMixin, get_product

VIEW, MANAGE = Action.VIEW_DELIVERY_REPORTS, Action.MANAGE_DELIVERY_REPORTS


class DeliveryReportViewSet(
    ProductScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A product's delivery reports, newest period first (the team; 403 for stakeholders)."""

    required = {"list": VIEW, "retrieve": VIEW, "publish": MANAGE}
    default_required = VIEW
    filterset_class = DeliveryReportFilter
    ordering_fields = ["end", "start", "built_at"]

    def get_serializer_class(self):
        return DeliveryReportSummarySerializer if self.action == "list" else DeliveryReportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DeliveryReport.objects.none()
        return access.visible_reports(self.request.user, self.product)

    def get_object(self) -> DeliveryReport:
        return access.access_report(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    @extend_schema(request=PublishSerializer, responses=DeliveryReportSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        serializer = PublishSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        report = services.report_publish(
            actor=request.user,
            report=self.get_object(),
            published=serializer.validated_data["published"],
            expected_version=serializer.validated_data["version"],
        )
        return Response(DeliveryReportSerializer(report).data)


class PublishedSummaryView(APIView):
    """The latest delivery summary the PM published (everyone in the product; 404 when none is)."""

    @extend_schema(responses=PublishedSummarySerializer)
    def get(self, request, product_slug):
        product = get_product(request.user, product_slug, Action.VIEW_PUBLISHED_DELIVERY)
        report = access.published_summary(request.user, product)
        if report is None:
            raise NotFound("No delivery summary has been published yet.")
        return Response(PublishedSummarySerializer(report).data)
