"""REST API of the roadmap, under /api/v1/products/{product_slug}/roadmap/.
Objects come from apps/roadmap/access.py, every write calls a service, and
stakeholders get the public shapes of shared items only (with the published
hypotheses among those an item links)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.permissions import Action
from apps.backlog.models import BacklogItem
from apps.products.access import ProductScopedMixin
from apps.roadmap import access, rows, selectors, services
from apps.roadmap.filters import MilestoneFilter, RoadmapItemFilter
from apps.roadmap.models import Milestone, RoadmapItem
from apps.roadmap.serializers import (
    EpicForecastSerializer,
    ForecastSerializer,
    MilestoneInputSerializer,
    MilestoneSerializer,
    PublicForecastSerializer,
    PublicMilestoneSerializer,
    PublicRoadmapItemSerializer,
    RoadmapItemInputSerializer,
    RoadmapItemSerializer,
    RoadmapMoveSerializer,
    item_list_data,
)

STALE = OpenApiResponse(description="Stale version: someone changed it since")


def _version(data: dict) -> int:
    if "version" not in data:
        raise ValidationError({"version": "Send the version you edited, so a newer change is not overwritten."})
    return data.pop("version")


class _RoadmapViewSet(ProductScopedMixin, viewsets.GenericViewSet):
    default_required = Action.VIEW_SHARED_ROADMAP

    @property
    def internal(self) -> bool:
        return not getattr(self, "swagger_fake_view", False) and access.sees_internals(self.request.user, self.product)

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _item(self, item_id, field: str) -> RoadmapItem:
        """An item named in the input: not on this roadmap is a 400 on that field, not a 404 of the endpoint."""
        try:
            return access.access_item(self.request.user, self.product, item_id)
        except Http404:
            raise ValidationError({field: f"No item {item_id} on this roadmap."}) from None


class RoadmapItemViewSet(_RoadmapViewSet, mixins.ListModelMixin):
    """Roadmap items in horizon and rank order. Everyone in the product reads
    the items shared with stakeholders (public fields only); the team reads
    every item with internal notes, links, progress and forecast; the PM edits
    and orders them. Edits carry the `version` they were based on."""

    lookup_value_regex = r"\d+"
    filterset_class = RoadmapItemFilter
    ordering_fields = ["rank", "target_date", "created_at", "updated_at"]
    required = {
        "create": Action.EDIT_ROADMAP,
        "partial_update": Action.EDIT_ROADMAP,
        "destroy": Action.EDIT_ROADMAP,
        "move": Action.EDIT_ROADMAP,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RoadmapItem.objects.none()
        return selectors.roadmap_items(access.visible_items(self.request.user, self.product))

    def _with_links(self, items):
        items = access.with_hypotheses(self.request.user, self.product, items)
        return items.prefetch_related("epics", "backlog_items", "requests") if self.internal else items

    def list(self, request, *args, **kwargs):
        # The filtered items, a page at a time: read as values (rows.api_values)
        # with their links a query per kind for the page (rows.api_links), shaped
        # like the item serializers (serializers.item_list_data). No docstring:
        # the schema keeps the viewset's description.
        internal = self.internal
        items = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rows.api_values(items, internal=internal))
        page = list(page or ())
        rows.api_links(page, internal=internal, hypotheses=access.visible_hypotheses(request.user, self.product))
        zone = timezone.get_current_timezone()
        return self.get_paginated_response([item_list_data(row, internal=internal, zone=zone) for row in page])

    def get_serializer_class(self):
        return RoadmapItemSerializer if self.internal else PublicRoadmapItemSerializer

    def get_object(self) -> RoadmapItem:
        item = access.access_item(self.request.user, self.product, self.kwargs["pk"])
        return self._shown(item)

    def _shown(self, item: RoadmapItem) -> RoadmapItem:
        item = self._with_links(self.get_queryset()).get(pk=item.pk)
        if self.internal:
            item.progress = selectors.progress_of(selectors.work_of([item])[item.pk])  # type: ignore[attr-defined]
        return item

    def _changes(self, data: dict) -> dict:
        links = {name: data.pop(name) for name in ("epics", "backlog_items", "requests", "hypotheses") if name in data}
        data.update(access.resolve_links(self.request.user, self.product, **links))
        if data.get("outcome_metric") is not None:
            data["outcome_metric"] = access.access_metric(self.request.user, self.product, data["outcome_metric"])
        return data

    @extend_schema(responses=RoadmapItemSerializer)
    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=RoadmapItemInputSerializer, responses={201: RoadmapItemSerializer})
    def create(self, request, *args, **kwargs):
        data = self._changes(self._input(RoadmapItemInputSerializer))
        data.pop("version", None)
        if not data.get("title"):
            raise ValidationError({"title": "A roadmap item needs a title."})
        item = services.item_create(actor=request.user, product=self.product, **data)
        return Response(RoadmapItemSerializer(self._shown(item)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RoadmapItemInputSerializer, responses={200: RoadmapItemSerializer, 409: STALE})
    def partial_update(self, request, *args, **kwargs):
        item = access.access_item(request.user, self.product, kwargs["pk"], Action.EDIT_ROADMAP)
        data = self._input(RoadmapItemInputSerializer)
        version = _version(data)
        item = services.item_update(actor=request.user, item=item, expected_version=version, **self._changes(data))
        return Response(RoadmapItemSerializer(self._shown(item)).data)

    @extend_schema(responses={204: None, 409: STALE})
    def destroy(self, request, *args, **kwargs):
        item = access.access_item(request.user, self.product, kwargs["pk"], Action.EDIT_ROADMAP)
        version = request.query_params.get("version")
        services.item_delete(actor=request.user, item=item, expected_version=int(version) if version else None)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=RoadmapMoveSerializer, responses=RoadmapItemSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        """Place the item right before or after another item (taking its horizon),
        or at the top or bottom of a horizon."""
        item = access.access_item(request.user, self.product, kwargs["pk"], Action.EDIT_ROADMAP)
        data = self._input(RoadmapMoveSerializer)
        place: dict = {"edge": data["to"]} if "to" in data else {}
        for where in ("before", "after"):
            if where in data:
                place[where] = self._item(data[where], where)
        item = services.item_move(actor=request.user, item=item, horizon=data.get("horizon"), **place)
        return Response(RoadmapItemSerializer(self._shown(item)).data)

    @extend_schema(responses={200: ForecastSerializer, 404: OpenApiResponse(description="Not computed yet")})
    @action(detail=True, methods=["get"])
    def forecast(self, request, *args, **kwargs):
        """The stored forecast: percentile dates, chance of meeting the target and
        histogram (and, for the team, the inputs it was computed from)."""
        item = access.access_item(request.user, self.product, kwargs["pk"])
        forecast = access.access_forecast(request.user, self.product, item)
        if forecast is None:
            raise Http404("No forecast has been computed for this item yet.")
        shape = ForecastSerializer if self.internal else PublicForecastSerializer
        return Response(shape(forecast).data)


class EpicForecastViewSet(_RoadmapViewSet, mixins.ListModelMixin):
    """Forecasts of the product's epics (the team's backlog; stakeholders see none)."""

    lookup_field = "number"
    lookup_value_regex = r"\d+"
    serializer_class = EpicForecastSerializer
    default_required = Action.VIEW_ROADMAP

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BacklogItem.objects.none()
        return selectors.epics_with_forecasts(self.product)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([self._shape(epic) for epic in page])

    def retrieve(self, request, *args, **kwargs):
        epic = access.access_epic(request.user, self.product, kwargs["number"])
        return Response(self._shape(epic))

    def _shape(self, epic) -> dict:
        forecast = getattr(epic, "forecast", None)
        return {
            "number": epic.number,
            "title": epic.title,
            "forecast": ForecastSerializer(forecast).data if forecast is not None else None,
        }


class MilestoneViewSet(_RoadmapViewSet, mixins.ListModelMixin):
    """Dated points on the roadmap. Everyone reads the shared ones, the team all; the PM edits."""

    lookup_value_regex = r"\d+"
    filterset_class = MilestoneFilter
    required = {"create": Action.EDIT_ROADMAP, "partial_update": Action.EDIT_ROADMAP, "destroy": Action.EDIT_ROADMAP}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Milestone.objects.none()
        return access.visible_milestones(self.request.user, self.product).order_by("date", "id")

    def get_serializer_class(self):
        return MilestoneSerializer if self.internal else PublicMilestoneSerializer

    def get_object(self) -> Milestone:
        return access.access_milestone(self.request.user, self.product, self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def _fields(self, data: dict) -> dict:
        if data.get("roadmap_item") is not None:
            data["roadmap_item"] = self._item(data["roadmap_item"], "roadmap_item")
        if data.get("sprint") is not None:
            data["sprint"] = access.access_sprint(self.request.user, self.product, data["sprint"], field="sprint")
        return data

    @extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneSerializer})
    def create(self, request, *args, **kwargs):
        data = self._fields(self._input(MilestoneInputSerializer))
        data.pop("version", None)
        for needed in ("title", "date"):
            if needed not in data:
                raise ValidationError({needed: "This field is required."})
        milestone = services.milestone_create(actor=request.user, product=self.product, **data)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MilestoneInputSerializer, responses={200: MilestoneSerializer, 409: STALE})
    def partial_update(self, request, *args, **kwargs):
        milestone = access.access_milestone(request.user, self.product, kwargs["pk"], Action.EDIT_ROADMAP)
        data = self._input(MilestoneInputSerializer)
        version = _version(data)
        milestone = services.milestone_update(
            actor=request.user, milestone=milestone, expected_version=version, **self._fields(data)
        )
        return Response(MilestoneSerializer(milestone).data)

    def destroy(self, request, *args, **kwargs):
        milestone = access.access_milestone(request.user, self.product, kwargs["pk"], Action.EDIT_ROADMAP)
        services.milestone_delete(actor=request.user, milestone=milestone)
        return Response(status=status.HTTP_204_NO_CONTENT)
