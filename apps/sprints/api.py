"""REST API of sprints: /api/v1/products/{product_slug}/sprints/... and velocity.

Views check the product once (ProductScopedMixin), find what is inside it
through apps.sprints.access and call the services; business-rule errors become
400 field maps and stale edits 409 (apps.core.api)."""

from functools import cached_property

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import Action, require
from apps.products.access import ProductScopedMixin, get_product
from apps.sprints import access, selectors, services
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
    SprintStartSerializer,
    StageCloseSerializer,
    StageSerializer,
    StageUpdateSerializer,
    VelocitySerializer,
    WipLimitsSerializer,
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
        return selectors.sprints_of(self.product)

    def get_object(self) -> Sprint:
        action = self.required.get(self.action, self.default_required)
        return access.access_sprint(self.request.user, self.product, self.kwargs["pk"], action)

    def create(self, request, *args, **kwargs):
        data = dict(_valid(SprintSerializer, request.data))
        data.pop("version", None)
        sprint = services.sprint_create(actor=request.user, product=self.product, **data)
        return Response(_sprint(sprint), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = SprintSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            raise serializers.ValidationError(
                {"version": ["Send the version you edited, so a newer change is not overwritten."]}
            )
        version = data.pop("version")
        sprint = services.sprint_update(actor=request.user, sprint=self.get_object(), expected_version=version, **data)
        return Response(_sprint(sprint))

    @extend_schema(request=SprintStartSerializer, responses=SprintSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, *args, **kwargs):
        data = _valid(SprintStartSerializer, request.data)
        sprint = services.sprint_start(
            actor=request.user,
            sprint=self.get_object(),
            expected_version=data["version"],
            move_dates_to_today=data["move_dates_to_today"],
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
            next_sprint = access.access_sprint(
                request.user, self.product, data["next_sprint"], PLAN, field="next_sprint"
            )
        sprint, _ = services.sprint_close(
            actor=request.user,
            sprint=self.get_object(),
            decisions=data["decisions"],
            next_sprint=next_sprint,
            expected_version=data["version"],
        )
        return Response(_sprint(sprint))

    @extend_schema(request=SprintReviewSerializer, responses=SprintSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        data = dict(_valid(SprintReviewSerializer, request.data))
        version = data.pop("version")
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
        return access.access_sprint(self.request.user, self.product, self.kwargs["sprint_pk"], VIEW)


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
        return selectors.sprint_items(self.sprint)

    def get_object(self) -> SprintItem:
        action = self.required.get(self.action, self.default_required)
        return access.access_sprint_item(
            self.request.user, self.product, self.kwargs["item_id"], action, sprint=self.sprint
        )

    def _answer(self, entry: SprintItem, code=status.HTTP_200_OK) -> Response:
        return Response(SprintItemSerializer(selectors.sprint_item_row(entry)).data, status=code)

    @extend_schema(request=SprintItemAddSerializer, responses={201: SprintItemSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(SprintItemAddSerializer, request.data)
        item = access.access_backlog_item(request.user, self.product, data["item"], PLAN, field="item")
        entry = services.sprint_item_add(
            actor=request.user, sprint=self.sprint, item=item, stage=self._stage(data.get("stage"))
        )
        return self._answer(entry, status.HTTP_201_CREATED)

    @extend_schema(request=SprintItemUpdateSerializer, responses=SprintItemSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = _valid(SprintItemUpdateSerializer, request.data)
        entry = self.get_object()
        if "stage" in data:
            require(request.user, PLAN, self.product)  # moving an item between stages is planning
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
        return access.access_stage(self.request.user, self.product, stage_id, PLAN, sprint=self.sprint, field="stage")


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
        return selectors.stages_of(self.sprint, with_criteria=True)

    def get_object(self) -> SprintStage:
        action = self.required.get(self.action, self.default_required)
        return access.access_stage(self.request.user, self.product, self.kwargs["pk"], action, sprint=self.sprint)

    def retrieve(self, request, *args, **kwargs):
        return Response(StageSerializer(self.get_object()).data)

    @extend_schema(request=StageUpdateSerializer, responses=StageSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = dict(_valid(StageUpdateSerializer, request.data))
        version = data.pop("version")
        stage = services.stage_update(actor=request.user, stage=self.get_object(), expected_version=version, **data)
        return Response(StageSerializer(stage).data)

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
        return access.access_stage(self.request.user, self.product, self.kwargs["stage_pk"], VIEW, sprint=self.sprint)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExitCriterion.objects.none()
        return selectors.exit_criteria(self.stage)

    @extend_schema(request=ExitCriterionSerializer, responses={201: ExitCriterionSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(ExitCriterionSerializer, request.data)
        criterion = services.exit_criterion_add(actor=request.user, stage=self.stage, text=data["text"])
        return Response(ExitCriterionSerializer(criterion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExitCriterionUpdateSerializer, responses=ExitCriterionSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = _valid(ExitCriterionUpdateSerializer, request.data)
        criterion = access.access_criterion(request.user, self.product, kwargs["pk"], WORK, stage=self.stage)
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


class WipLimitsView(APIView):
    """The board's work-in-progress limits: the team reads them, product
    managers and scrum masters set them (PUT replaces them all)."""

    @extend_schema(responses=WipLimitsSerializer)
    def get(self, request, product_slug):
        product = get_product(request.user, product_slug, VIEW)
        return Response({"wip_limits": selectors.wip_limits(product)})

    @extend_schema(request=WipLimitsSerializer, responses=WipLimitsSerializer)
    def put(self, request, product_slug):
        product = get_product(request.user, product_slug, PLAN)
        data = _valid(WipLimitsSerializer, request.data)
        services.wip_limits_set(actor=request.user, product=product, limits=data["wip_limits"])
        return Response({"wip_limits": selectors.wip_limits(product)})
