"""REST API of assumptions: /api/v1/products/{product_slug}/assumptions/...

The product is checked once (ProductScopedMixin); assumptions, and the sprint
or stage a request names, are found through the access functions."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.permissions import Action, require
from apps.hypotheses import selectors, services
from apps.hypotheses.access import access_assumption, visible_assumptions
from apps.hypotheses.filters import AssumptionFilter
from apps.hypotheses.models import Assumption
from apps.hypotheses.serializers import (
    AssumptionCreateSerializer,
    AssumptionSerializer,
    HeldSerializer,
    WrongSerializer,
)
from apps.products.access import ProductScopedMixin
from apps.sprints.access import access_sprint, access_stage


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
        return visible_assumptions(self.request.user, self.product)

    def get_object(self) -> Assumption:
        action = self.required.get(self.action, self.default_required)
        return access_assumption(self.request.user, self.product, self.kwargs["pk"], action)

    def retrieve(self, request, *args, **kwargs):
        assumption = access_assumption(
            request.user, self.product, kwargs["pk"], Action.VIEW_ASSUMPTIONS, rows=selectors.assumptions(self.product)
        )
        return Response(AssumptionSerializer(assumption).data)

    def _answer(self, assumption: Assumption, code=status.HTTP_200_OK) -> Response:
        return Response(AssumptionSerializer(selectors.assumption_row(assumption)).data, status=code)

    @extend_schema(request=AssumptionCreateSerializer, responses={201: AssumptionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = AssumptionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sprint = access_sprint(request.user, self.product, data["sprint"], Action.RECORD_ASSUMPTIONS, field="sprint")
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
        if data["place"] == services.INTO_SPRINT:
            require(request.user, Action.PLAN_SPRINTS, self.product)  # work put into the sprint is planning it
        stage = None
        if data.get("stage") is not None:
            if assumption.sprint is None:
                raise serializers.ValidationError({"stage": ["The assumption belongs to no sprint."]})
            stage = access_stage(
                request.user,
                self.product,
                data["stage"],
                Action.RECORD_ASSUMPTIONS,
                sprint=assumption.sprint,
                field="stage",
            )
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
