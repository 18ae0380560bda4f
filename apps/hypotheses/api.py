"""REST API of assumptions: /api/v1/products/{product_slug}/assumptions/..."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.permissions import Action
from apps.backlog.models import BacklogItem
from apps.hypotheses import services
from apps.hypotheses.filters import AssumptionFilter
from apps.hypotheses.models import Assumption
from apps.hypotheses.serializers import (
    AssumptionCreateSerializer,
    AssumptionSerializer,
    HeldSerializer,
    WrongSerializer,
)
from apps.products.access import ProductScopedMixin
from apps.sprints.models import Sprint, SprintStage


class AssumptionViewSet(ProductScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Planning assumptions. The team records them and marks them held or
    wrong; a wrong one's follow-up work becomes backlog items (placing them in
    the sprint needs the right to plan it)."""

    required = {"list": Action.VIEW_ASSUMPTIONS, "retrieve": Action.VIEW_ASSUMPTIONS}
    default_required = Action.RECORD_ASSUMPTIONS
    serializer_class = AssumptionSerializer
    filterset_class = AssumptionFilter
    ordering_fields = ["created_at", "checked_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assumption.objects.none()
        return (
            Assumption.objects.filter(product=self.product)
            .prefetch_related(Prefetch("follow_up_items", queryset=BacklogItem.objects.order_by("number")))
            .order_by("created_at", "id")
        )

    def _answer(self, assumption: Assumption, code=status.HTTP_200_OK) -> Response:
        return Response(AssumptionSerializer(self.get_queryset().get(pk=assumption.pk)).data, status=code)

    @extend_schema(request=AssumptionCreateSerializer, responses={201: AssumptionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = AssumptionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sprint = Sprint.objects.filter(product=self.product, pk=data["sprint"]).first()
        if sprint is None:
            raise serializers.ValidationError({"sprint": ["No such sprint in this product."]})
        assumption = services.assumption_record(
            actor=request.user, sprint=sprint, text=data["text"], category=data["category"]
        )
        return self._answer(assumption, status.HTTP_201_CREATED)

    @extend_schema(request=HeldSerializer, responses=AssumptionSerializer)
    @action(detail=True, methods=["post"])
    def held(self, request, *args, **kwargs):
        serializer = HeldSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assumption = services.assumption_mark_held(
            actor=request.user,
            assumption=self.get_object(),
            note=serializer.validated_data["note"],
            expected_version=serializer.validated_data.get("version"),
        )
        return self._answer(assumption)

    @extend_schema(request=WrongSerializer, responses=AssumptionSerializer)
    @action(detail=True, methods=["post"])
    def wrong(self, request, *args, **kwargs):
        serializer = WrongSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assumption = self.get_object()
        stage = None
        if data.get("stage") is not None:
            stage = SprintStage.objects.filter(sprint_id=assumption.sprint_id, pk=data["stage"]).first()
            if stage is None:
                raise serializers.ValidationError({"stage": ["No such stage in the assumption's sprint."]})
        assumption = services.assumption_mark_wrong(
            actor=request.user,
            assumption=assumption,
            note=data["note"],
            place=data["place"],
            stage=stage,
            follow_ups=[dict(row) for row in data["follow_ups"]],
            expected_version=data.get("version"),
        )
        return self._answer(assumption)
