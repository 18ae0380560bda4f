"""REST API of the backlog, under /api/v1/products/{product_slug}/backlog/.
Objects and lists come from apps.backlog.access (the same functions the pages
use); every write calls a service."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.accounts.permissions import Action
from apps.backlog import access, selectors, services
from apps.backlog.filters import BacklogItemFilter
from apps.backlog.models import (
    AcceptanceCriterion,
    BacklogItem,
    Blocker,
    ItemAttachment,
    ItemRelation,
    Label,
    SavedFilter,
)
from apps.backlog.serializers import (
    BacklogItemCreateSerializer,
    BacklogItemDetailSerializer,
    BacklogItemSerializer,
    BacklogItemUpdateSerializer,
    BlockerSerializer,
    BulkSerializer,
    CriterionSerializer,
    CriterionUpdateSerializer,
    HistoryEntrySerializer,
    ItemAttachmentSerializer,
    ItemFilesUploadSerializer,
    LabelSerializer,
    MoveSerializer,
    RelationInputSerializer,
    RelationSerializer,
    SavedFilterSerializer,
    item_list_data,
)
from apps.core import uploads
from apps.core.api import Pagination
from apps.products.access import ProductScopedMixin


class ItemPagination(Pagination):
    # Up to 1,000 items in one call (a script reading a whole sprint's worth).
    max_page_size = 1000


class BacklogItemViewSet(ProductScopedMixin, viewsets.GenericViewSet, mixins.ListModelMixin):
    """Items of a product's backlog, in backlog order. The team reads, adds
    items and changes status, estimates and assignee; PM and scrum master edit
    everything and reorder. Edits carry the `version` they were based on."""

    lookup_field = "number"
    lookup_value_regex = r"\d+"
    pagination_class = ItemPagination
    filterset_class = BacklogItemFilter
    ordering_fields = ["rank", "number", "created_at", "updated_at"]
    ordering = ["rank"]
    default_required = Action.VIEW_BACKLOG
    required = {
        "create": Action.ADD_BACKLOG_ITEM,
        "destroy": Action.EDIT_BACKLOG_ITEM,
        "move": Action.REORDER_BACKLOG,
        "criteria": Action.EDIT_BACKLOG_ITEM,
        "blockers": Action.WORK_BACKLOG_ITEM,
    }
    # Reading them needs only the backlog; adding needs to work on items.
    adding = {"relations", "attachments"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BacklogItem.objects.none()
        return access.visible_items(self.request.user, self.product)

    def get_serializer_class(self):
        return BacklogItemSerializer

    def get_serializer_context(self):
        product = None if getattr(self, "swagger_fake_view", False) else self.product
        return {**super().get_serializer_context(), "product": product}

    def get_object(self, needed: Action | None = None) -> BacklogItem:
        if needed is None and self.action in self.adding and self.request.method == "POST":
            needed = Action.WORK_BACKLOG_ITEM
        needed = needed or self.required.get(self.action or "", self.default_required)
        return access.access_item(self.request.user, self.product, self.kwargs["number"], needed)

    def _detail(self, item: BacklogItem, status_code=status.HTTP_200_OK) -> Response:
        item = access.access_item(self.request.user, self.product, item.number)
        return Response(BacklogItemDetailSerializer(item).data, status=status_code)

    def _input(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def list(self, request, *args, **kwargs):
        """The filtered items, a page at a time: read as values with labels
        aggregated in SQL (selectors.item_rows), shaped like BacklogItemSerializer."""
        items = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(selectors.item_rows(items, fields=selectors.API_ROW_FIELDS))
        zone = timezone.get_current_timezone()
        return self.get_paginated_response([item_list_data(row, zone) for row in page or ()])

    @extend_schema(responses=BacklogItemDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return Response(BacklogItemDetailSerializer(self.get_object()).data)

    @extend_schema(request=BacklogItemCreateSerializer, responses={201: BacklogItemDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(BacklogItemCreateSerializer)
        item = services.item_create(actor=request.user, product=self.product, **data)
        return self._detail(item, status.HTTP_201_CREATED)

    @extend_schema(
        request=BacklogItemUpdateSerializer,
        responses={200: BacklogItemDetailSerializer, 409: OpenApiResponse(description="Stale version")},
    )
    def partial_update(self, request, *args, **kwargs):
        data = dict(self._input(BacklogItemUpdateSerializer))
        item = self.get_object(access.action_to_change(set(data) - {"version"}))
        item = services.item_edit(actor=request.user, item=item, expected_version=data.pop("version"), **data)
        return self._detail(item)

    def destroy(self, request, *args, **kwargs):
        services.item_delete(actor=request.user, item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MoveSerializer, responses=BacklogItemSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        """Place the item before or after another item, or at the top or bottom."""
        data = self._input(MoveSerializer)
        item = self.get_object()
        if "to" in data:
            services.item_move_to(actor=request.user, item=item, edge=data["to"])
        else:
            where = "before" if "before" in data else "after"
            message = {where: f"No item #{data[where]} in this backlog."}
            anchor = access.access_anchor(request.user, self.product, data[where], message=message)
            services.item_move(actor=request.user, item=item, **{where: anchor})
        return Response(BacklogItemSerializer(access.item_row(request.user, self.product, item)).data)

    @extend_schema(request=BulkSerializer, responses=BacklogItemSerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def bulk(self, request, *args, **kwargs):
        """Apply one change to several items: all of them or none."""
        data = dict(self._input(BulkSerializer))
        access.require_bulk(
            request.user, self.product, [change for change in data if change != "move_to_top" or data[change]]
        )
        numbers = data.pop("items")
        services.items_bulk_update(actor=request.user, product=self.product, numbers=numbers, **data)
        items = access.visible_items(request.user, self.product, numbers=numbers)
        return Response(BacklogItemSerializer(items, many=True).data)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, *args, **kwargs):
        """Who changed what and when, newest first (the latest 50 changes)."""
        return Response(HistoryEntrySerializer(selectors.item_history(self.get_object()), many=True).data)

    @extend_schema(request=CriterionSerializer, responses={201: CriterionSerializer})
    @action(detail=True, methods=["post"])
    def criteria(self, request, *args, **kwargs):
        data = self._input(CriterionSerializer)
        criterion = services.criterion_add(actor=request.user, item=self.get_object(), text=data["text"])
        return Response(CriterionSerializer(criterion).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=RelationSerializer(many=True))
    @extend_schema(methods=["POST"], request=RelationInputSerializer, responses={201: RelationSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def relations(self, request, *args, **kwargs):
        """Links of the item, read from it (blocks, is blocked by, relates to,
        duplicates, is duplicated by); POST adds one and answers with them all."""
        item = self.get_object()
        if request.method == "POST":
            data = self._input(RelationInputSerializer)
            other = access.access_linkable(request.user, self.product, data["other"])
            services.relation_add(actor=request.user, item=item, relation=data["relation"], other=other)
        rows = selectors.item_relations(item)
        return Response(
            RelationSerializer(rows, many=True).data,
            status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK,
        )

    @extend_schema(methods=["GET"], responses=ItemAttachmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": ItemFilesUploadSerializer},
        responses={201: ItemAttachmentSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        pagination_class=None,
        filter_backends=[],
    )
    def attachments(self, request, *args, **kwargs):
        """Files of the item; POST (multipart, field `files`) adds some: each is
        checked for type, content and size, and none is stored if one is refused."""
        item = self.get_object()
        if request.method == "POST":
            files = request.FILES.getlist("files")
            services.attachments_add(actor=request.user, item=item, files=files)
        rows = selectors.item_attachments(item)
        return Response(
            ItemAttachmentSerializer(rows, many=True).data,
            status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK,
        )

    @extend_schema(request=BlockerSerializer, responses={201: BlockerSerializer})
    @action(detail=True, methods=["post"])
    def blockers(self, request, *args, **kwargs):
        """Flag the item as blocked from now on (e.g. waiting for data access)."""
        data = self._input(BlockerSerializer)
        blocker = services.blocker_add(actor=request.user, item=self.get_object(), **data)
        return Response(BlockerSerializer(blocker).data, status=status.HTTP_201_CREATED)


class CriterionViewSet(ProductScopedMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Tick or untick an acceptance criterion (the team), reword or remove it
    (PM and scrum master)."""

    http_method_names = ["patch", "delete", "options", "head"]
    serializer_class = CriterionSerializer
    queryset = AcceptanceCriterion.objects.none()  # for the schema; objects come from get_object
    default_required = Action.WORK_BACKLOG_ITEM
    required = {"destroy": Action.EDIT_BACKLOG_ITEM}

    def get_object(self, needed: Action | None = None) -> AcceptanceCriterion:
        needed = needed or self.required.get(self.action or "", self.default_required)
        return access.access_criterion(self.request.user, self.product, self.kwargs["pk"], needed)

    @extend_schema(request=CriterionUpdateSerializer, responses=CriterionSerializer)
    def partial_update(self, request, *args, **kwargs):
        serializer = CriterionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Rewording a criterion is editing the item; ticking it is working on it.
        needed = Action.EDIT_BACKLOG_ITEM if "text" in serializer.validated_data else Action.WORK_BACKLOG_ITEM
        criterion = services.criterion_update(
            actor=request.user, criterion=self.get_object(needed), **serializer.validated_data
        )
        return Response(CriterionSerializer(criterion).data)

    def destroy(self, request, *args, **kwargs):
        services.criterion_remove(actor=request.user, criterion=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlockerViewSet(ProductScopedMixin, viewsets.GenericViewSet):
    serializer_class = BlockerSerializer
    queryset = Blocker.objects.none()  # for the schema; objects come from get_object
    default_required = Action.WORK_BACKLOG_ITEM

    def get_object(self) -> Blocker:
        return access.access_blocker(self.request.user, self.product, self.kwargs["pk"], self.default_required)

    @extend_schema(request=None, responses=BlockerSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, *args, **kwargs):
        """The item no longer waits on this; the waiting time is kept."""
        blocker = services.blocker_resolve(actor=request.user, blocker=self.get_object())
        return Response(BlockerSerializer(blocker).data)


class LabelViewSet(ProductScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The product's labels. The team reads them; PM and scrum master add them."""

    serializer_class = LabelSerializer
    pagination_class = None
    default_required = Action.VIEW_BACKLOG
    required = {"create": Action.EDIT_BACKLOG_ITEM}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Label.objects.none()
        return access.visible_labels(self.request.user, self.product)

    def perform_create(self, serializer):
        serializer.instance = services.label_create(
            actor=self.request.user, product=self.product, **serializer.validated_data
        )


class RelationViewSet(ProductScopedMixin, viewsets.GenericViewSet):
    """Remove a link between two items (either end may do it)."""

    serializer_class = RelationSerializer
    default_required = Action.WORK_BACKLOG_ITEM
    queryset = ItemRelation.objects.none()  # for the schema; the relation comes from access.access_relation
    lookup_value_regex = r"\d+"

    def destroy(self, request, *args, **kwargs):
        relation = access.access_relation(request.user, self.product, self.kwargs["pk"])
        services.relation_remove(actor=request.user, relation=relation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemAttachmentView(ProductScopedMixin, viewsets.GenericViewSet):
    """Download a file of an item (the team), or remove it (its uploader, PM or scrum master)."""

    serializer_class = ItemAttachmentSerializer
    default_required = Action.VIEW_BACKLOG
    queryset = ItemAttachment.objects.none()  # for the schema; the file comes from access.access_attachment

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def retrieve(self, request, *args, **kwargs):
        attachment = access.access_attachment(request.user, self.product, kwargs["number"], kwargs["pk"])
        return uploads.download(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )

    def destroy(self, request, *args, **kwargs):
        attachment = access.access_own_attachment(request.user, self.product, kwargs["number"], kwargs["pk"])
        services.attachment_remove(actor=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SavedFilterViewSet(
    ProductScopedMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Named filters of the backlog (page=backlog) and sprint boards (page=board):
    your own and those the team shared. Saving a name again replaces its filter;
    only its owner deletes one."""

    serializer_class = SavedFilterSerializer
    default_required = Action.VIEW_BACKLOG
    pagination_class = None
    queryset = SavedFilter.objects.none()  # for the schema; rows come from access.visible_saved_filters
    lookup_value_regex = r"\d+"

    @extend_schema(parameters=[OpenApiParameter("page", str, enum=["backlog", "board"], default="backlog")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedFilter.objects.none()
        page = self.request.query_params.get("page", SavedFilter.Page.BACKLOG)
        return access.visible_saved_filters(self.request.user, self.product, page)

    def get_object(self):
        return access.access_saved_filter(self.request.user, self.product, self.kwargs["pk"], own=True)

    def perform_create(self, serializer):
        serializer.instance = services.saved_filter_save(
            actor=self.request.user, product=self.product, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.saved_filter_delete(actor=self.request.user, saved=instance)
