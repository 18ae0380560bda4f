from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.accounts import services as accounts
from apps.accounts.models import Membership
from apps.accounts.permissions import Action
from apps.products import selectors, services
from apps.products.access import ProductScopedMixin, access_membership, get_product, products_where
from apps.products.models import Product
from apps.products.serializers import (
    MembershipRoleSerializer,
    MembershipSerializer,
    ProductDetailSerializer,
    ProductSerializer,
)


class ProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Products the caller is a member of. Anyone signed in may create one and
    becomes its product manager; only product managers may edit it."""

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
