from functools import cached_property

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.accounts import services as accounts
from apps.accounts.models import ApiToken, Membership
from apps.accounts.permissions import Action, require_product_creation
from apps.products import selectors, services
from apps.products.access import (
    ProductScopedMixin,
    access_membership,
    access_metric,
    access_reading,
    get_product,
    products_where,
    visible_metrics,
    visible_readings,
)
from apps.products.filters import ReadingFilter
from apps.products.models import MetricReading, OutcomeMetric, Product
from apps.products.serializers import (
    MembershipRoleSerializer,
    MembershipSerializer,
    MetricReadingSerializer,
    OutcomeMetricSerializer,
    ProductDetailSerializer,
    ProductSerializer,
    ReadingInputSerializer,
    ReadingsPushedSerializer,
    ReadingsPushSerializer,
)

STALE = OpenApiResponse(description="Stale version: someone changed it since")


class ProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Products the caller is a member of. Site staff and the people the site
    allows (permission "products.add_product") may create one and become its
    product manager; only product managers may edit it."""

    lookup_field = "slug"
    lookup_url_kwarg = "product_slug"
    filterset_fields = ["kind"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        return products_where(self.request.user).order_by("name")

    def get_serializer_class(self):
        return ProductDetailSerializer if self.action == "retrieve" else ProductSerializer

    def get_object(self):
        action = Action.EDIT_PRODUCT if self.action in ("update", "partial_update") else Action.VIEW_PRODUCT
        product = get_product(self.request.user, self.kwargs["product_slug"], action)
        if self.action == "retrieve":
            product = Product.objects.prefetch_related("outcome_metrics").get(pk=product.pk)
        return product

    def create(self, request, *args, **kwargs):
        require_product_creation(request.user)  # refused before the body is even read: 403
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.validated_data.pop("version", None)
        serializer.instance = services.product_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        changes = dict(serializer.validated_data)
        if "version" not in changes:
            raise ValidationError({"version": "Send the version you edited, so a newer change is not overwritten."})
        serializer.instance = services.product_update(
            actor=self.request.user, product=serializer.instance, expected_version=changes.pop("version"), **changes
        )


class MembershipViewSet(ProductScopedMixin, viewsets.ModelViewSet):
    """Who is in a product and with which role. The team sees the list;
    product managers add people, change roles and remove people."""

    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    required = {"list": Action.VIEW_MEMBERS, "retrieve": Action.VIEW_MEMBERS}
    default_required = Action.MANAGE_MEMBERS
    filterset_fields = ["role"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.product_members(self.product)

    def get_object(self) -> Membership:
        return access_membership(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    def get_serializer_class(self):
        return MembershipRoleSerializer if self.action == "partial_update" else MembershipSerializer

    @extend_schema(request=MembershipSerializer, responses=MembershipSerializer)
    def create(self, request, *args, **kwargs):
        serializer = MembershipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = accounts.membership_set(actor=request.user, product=self.product, **serializer.validated_data)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MembershipRoleSerializer, responses=MembershipSerializer)
    def partial_update(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = MembershipRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = accounts.membership_set(
            actor=request.user, product=self.product, user=membership.user, role=serializer.validated_data["role"]
        )
        return Response(MembershipSerializer(membership).data)

    def perform_destroy(self, instance):
        accounts.membership_remove(actor=self.request.user, membership=instance)


class OutcomeMetricViewSet(ProductScopedMixin, viewsets.ModelViewSet):
    """The product's outcome metrics with their latest reading. Everyone in
    the product reads them; product managers add, edit (sending the `version`
    they saw) and remove them."""

    serializer_class = OutcomeMetricSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    required = {"list": Action.VIEW_PRODUCT, "retrieve": Action.VIEW_PRODUCT}
    default_required = Action.EDIT_PRODUCT
    filterset_fields = ["direction"]
    ordering_fields = ["name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OutcomeMetric.objects.none()
        return visible_metrics(self.request.user, self.product)

    def get_object(self) -> OutcomeMetric:
        return access_metric(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.metric_add(actor=self.request.user, product=self.product, **data)

    @extend_schema(responses={200: OutcomeMetricSerializer, 409: STALE})
    def partial_update(self, request, *args, **kwargs):
        metric = self.get_object()
        serializer = OutcomeMetricSerializer(metric, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "version" not in changes:
            raise ValidationError({"version": "Send the version you edited, so a newer change is not overwritten."})
        metric = services.metric_update(
            actor=request.user, metric=metric, expected_version=changes.pop("version"), **changes
        )
        return Response(OutcomeMetricSerializer(metric).data)

    def perform_destroy(self, instance):
        services.metric_remove(actor=self.request.user, metric=instance)


class MetricReadingViewSet(ProductScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Readings of one outcome metric, newest first. Everyone in the product
    reads them; the team, or a pipeline with a token limited to the product and
    "record_readings", records them: one at a time, or many in one push
    (`bulk/`) that is saved whole or not at all. A reading for a day that
    already has one replaces its value; a day in the future or a value that is
    not a number is a 400 naming the rows, and nothing is saved."""

    serializer_class = MetricReadingSerializer
    filterset_class = ReadingFilter
    required = {"list": Action.VIEW_PRODUCT}
    default_required = Action.RECORD_READINGS

    @cached_property
    def metric(self) -> OutcomeMetric:
        return access_metric(self.request.user, self.product, self.kwargs["metric_id"], self.required_action)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MetricReading.objects.none()
        return visible_readings(self.request.user, self.product, self.metric)

    def _record(self, rows):
        token = self.request.auth if isinstance(self.request.auth, ApiToken) else None
        return services.readings_record(
            actor=self.request.user,
            metric=self.metric,
            readings=[(row["measured_on"], row["value"]) for row in rows],
            token=token,
        )

    @extend_schema(request=ReadingInputSerializer, responses={201: MetricReadingSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ReadingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self._record([serializer.validated_data])
        reading = self.get_queryset().get(measured_on=serializer.validated_data["measured_on"])
        return Response(MetricReadingSerializer(reading).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReadingsPushSerializer, responses={201: ReadingsPushedSerializer})
    @action(detail=False, methods=["post"])
    def bulk(self, request, *args, **kwargs):
        """Push many readings at once (a nightly job): all of them are saved, or none."""
        serializer = ReadingsPushSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recorded = self._record(serializer.validated_data["readings"])
        metric = access_metric(request.user, self.product, self.metric.pk)
        return Response(
            ReadingsPushedSerializer({"recorded": recorded, "metric": metric}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        reading = access_reading(request.user, self.product, self.metric, kwargs["pk"])
        services.reading_remove(actor=request.user, reading=reading)
        return Response(status=status.HTTP_204_NO_CONTENT)
