"""REST API of sprints: /api/v1/products/{product_slug}/sprints/... and velocity.

Views check the product once (ProductScopedMixin) and call the services;
business-rule errors become 400 field maps and stale edits 409 (apps.core.api)."""

from functools import cached_property

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import Action, require
from apps.backlog.models import BacklogItem
from apps.products.access import ProductScopedMixin, get_product
from apps.sprints import selectors, services
from apps.sprints.filters import SprintFilter, SprintItemFilter
from apps.sprints.models import ExitCriterion, Sprint, SprintItem, SprintStage
from apps.sprints.serializers import (
    BurndownSerializer,
    ExitCriterionSerializer,
    ExitCriterionUpdateSerializer,
    FiguresSerializer,
    SprintCloseSerializer,
    SprintItemAddSerializer,
    SprintItemSerializer,
    SprintItemUpdateSerializer,
    SprintReviewSerializer,
    SprintSerializer,
    StageCloseSerializer,
    StageSerializer,
    StageUpdateSerializer,
    VelocitySerializer,
    VersionSerializer,
)

VIEW, WORK, PLAN = Action.VIEW_SPRINTS, Action.WORK_SPRINT, Action.PLAN_SPRINTS


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _sprint(sprint: Sprint) -> dict:
    return SprintSerializer(sprint).data


class SprintViewSet(ProductScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The product's sprints. The team reads them; product managers and scrum
    masters plan, start, close and review them. Stakeholders get 403."""

    required = {"list": VIEW, "retrieve": VIEW, "burndown": VIEW, "figures": VIEW}
    default_required = PLAN
    serializer_class = SprintSerializer
    filterset_class = SprintFilter
    ordering_fields = ["start_date", "end_date", "name"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Sprint.objects.none()
        return Sprint.objects.filter(product=self.product).order_by("-start_date", "-id")

    def get_object(self) -> Sprint:
        return selectors.get_sprint(self.product, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        data = dict(_valid(SprintSerializer, request.data))
        data.pop("version", None)
        sprint = services.sprint_create(actor=request.user, product=self.product, **data)
        return Response(_sprint(sprint), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = SprintSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        sprint = self.get_object()
        if data.pop("kind", sprint.kind) != sprint.kind:
            raise serializers.ValidationError({"kind": ["The kind of a sprint is chosen when it is created."]})
        sprint = services.sprint_update(actor=request.user, sprint=sprint, expected_version=version, **data)
        return Response(_sprint(sprint))

    @extend_schema(request=VersionSerializer, responses=SprintSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, *args, **kwargs):
        data = _valid(VersionSerializer, request.data)
        sprint = services.sprint_start(
            actor=request.user, sprint=self.get_object(), expected_version=data.get("version")
        )
        return Response(_sprint(sprint))

    @extend_schema(
        request=SprintCloseSerializer,
        responses=SprintSerializer,
        description="Close a running sprint. Each unfinished item needs a decision: carry_over (into next_sprint, "
        "or a sprint planned right after this one) or backlog. The figures and burndown are then frozen.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        data = _valid(SprintCloseSerializer, request.data)
        next_sprint = None
        if data.get("next_sprint") is not None:
            next_sprint = Sprint.objects.filter(product=self.product, pk=data["next_sprint"]).first()
            if next_sprint is None:
                raise serializers.ValidationError({"next_sprint": ["No such sprint in this product."]})
        decisions = {row["item"]: row["decision"] for row in data["decisions"]}
        if len(decisions) != len(data["decisions"]):
            raise serializers.ValidationError({"decisions": ["One decision per item."]})
        sprint, _ = services.sprint_close(
            actor=request.user,
            sprint=self.get_object(),
            decisions=decisions,
            next_sprint=next_sprint,
            expected_version=data.get("version"),
        )
        return Response(_sprint(sprint))

    @extend_schema(request=SprintReviewSerializer, responses=SprintSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        data = dict(_valid(SprintReviewSerializer, request.data))
        version = data.pop("version", None)
        sprint = services.sprint_review_save(
            actor=request.user, sprint=self.get_object(), expected_version=version, **data
        )
        return Response(_sprint(sprint))

    @extend_schema(responses=BurndownSerializer)
    @action(detail=True, methods=["get"])
    def burndown(self, request, *args, **kwargs):
        return Response(selectors.sprint_burndown(self.get_object()))

    @extend_schema(responses=FiguresSerializer)
    @action(detail=True, methods=["get"])
    def figures(self, request, *args, **kwargs):
        sprint = self.get_object()
        return Response({**selectors.sprint_figures(sprint).as_dict(), "final": sprint.is_closed})


class SprintScopedMixin(ProductScopedMixin):
    """For endpoints under /products/{product_slug}/sprints/{sprint_pk}/."""

    @cached_property
    def sprint(self) -> Sprint:
        return selectors.get_sprint(self.product, self.kwargs["sprint_pk"])


class SprintItemViewSet(SprintScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Items in a sprint. Commit (POST) and uncommit (DELETE) need the right to
    plan; recording a finding (PATCH) is team work, changing the stage is planning."""

    required = {"list": VIEW, "partial_update": WORK}
    default_required = PLAN
    serializer_class = SprintItemSerializer
    filterset_class = SprintItemFilter
    lookup_field = "item_id"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SprintItem.objects.none()
        return (
            SprintItem.objects.filter(sprint=self.sprint)
            .select_related("item")
            .annotate(blocked=selectors.open_blocker())
            .order_by("item__rank")
        )

    def get_object(self) -> SprintItem:
        return get_object_or_404(SprintItem, sprint=self.sprint, item__pk=self.kwargs["item_id"])

    def _answer(self, entry: SprintItem, code=status.HTTP_200_OK) -> Response:
        return Response(SprintItemSerializer(self.get_queryset().get(pk=entry.pk)).data, status=code)

    @extend_schema(request=SprintItemAddSerializer, responses={201: SprintItemSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(SprintItemAddSerializer, request.data)
        item = BacklogItem.objects.filter(product=self.product, pk=data["item"]).first()
        if item is None:
            raise serializers.ValidationError({"item": ["No such item in this product's backlog."]})
        entry = services.sprint_item_add(
            actor=request.user, sprint=self.sprint, item=item, stage=self._stage(data.get("stage"))
        )
        return self._answer(entry, status.HTTP_201_CREATED)

    @extend_schema(request=SprintItemUpdateSerializer, responses=SprintItemSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = _valid(SprintItemUpdateSerializer, request.data)
        entry = self.get_object()
        if "stage" in data:
            require(request.user, PLAN, self.product)
            entry = services.sprint_item_assign_stage(actor=request.user, entry=entry, stage=self._stage(data["stage"]))
        if "finding" in data:
            entry = services.sprint_item_record_finding(actor=request.user, entry=entry, finding=data["finding"])
        return self._answer(entry)

    def destroy(self, request, *args, **kwargs):
        services.sprint_item_remove(actor=request.user, entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _stage(self, stage_id: int | None) -> SprintStage | None:
        if stage_id is None:
            return None
        stage = SprintStage.objects.filter(sprint=self.sprint, pk=stage_id).first()
        if stage is None:
            raise serializers.ValidationError({"stage": [f"No such stage in {self.sprint.name}."]})
        return stage


class StageViewSet(SprintScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Stages of a staged sprint, with their exit criteria."""

    required = {"list": VIEW, "retrieve": VIEW, "burndown": VIEW}
    default_required = PLAN
    serializer_class = StageSerializer
    pagination_class = None
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SprintStage.objects.none()
        return SprintStage.objects.filter(sprint=self.sprint).prefetch_related("exit_criteria").order_by("position")

    def get_object(self) -> SprintStage:
        return selectors.get_stage(self.sprint, self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return Response(StageSerializer(self.get_object()).data)

    @extend_schema(request=StageUpdateSerializer, responses=StageSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = _valid(StageUpdateSerializer, request.data)
        return Response(
            StageSerializer(services.stage_update(actor=request.user, stage=self.get_object(), **data)).data
        )

    @extend_schema(request=StageCloseSerializer, responses=StageSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        data = _valid(StageCloseSerializer, request.data)
        stage = services.stage_close(actor=request.user, stage=self.get_object(), **data)
        return Response(StageSerializer(stage).data)

    @extend_schema(responses=BurndownSerializer)
    @action(detail=True, methods=["get"])
    def burndown(self, request, *args, **kwargs):
        return Response(selectors.stage_burndown(self.get_object()))


class ExitCriterionViewSet(SprintScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A stage's exit criteria: the team ticks them; leads add them."""

    required = {"list": VIEW, "partial_update": WORK}
    default_required = PLAN
    serializer_class = ExitCriterionSerializer
    pagination_class = None
    lookup_value_regex = r"\d+"

    @cached_property
    def stage(self) -> SprintStage:
        return selectors.get_stage(self.sprint, self.kwargs["stage_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExitCriterion.objects.none()
        return ExitCriterion.objects.filter(stage=self.stage)

    @extend_schema(request=ExitCriterionSerializer, responses={201: ExitCriterionSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(ExitCriterionSerializer, request.data)
        criterion = services.exit_criterion_add(actor=request.user, stage=self.stage, text=data["text"])
        return Response(ExitCriterionSerializer(criterion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExitCriterionUpdateSerializer, responses=ExitCriterionSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = _valid(ExitCriterionUpdateSerializer, request.data)
        criterion = get_object_or_404(ExitCriterion, stage=self.stage, pk=kwargs["pk"])
        criterion = services.exit_criterion_set(actor=request.user, criterion=criterion, met=data["met"])
        return Response(ExitCriterionSerializer(criterion).data)


class VelocityView(APIView):
    """Committed against completed points of the product's last closed sprints (frozen figures)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("last", OpenApiTypes.INT, description="How many closed sprints (1–50, default 6).")
        ],
        responses=VelocitySerializer,
    )
    def get(self, request, product_slug):
        product = get_product(request.user, product_slug, VIEW)
        raw = request.query_params.get("last", "6")
        if not raw.isdecimal() or not 1 <= int(raw) <= 50:
            raise serializers.ValidationError({"last": ["A whole number from 1 to 50."]})
        return Response(selectors.velocity(product, last=int(raw)))
