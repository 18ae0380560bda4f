"""REST API for stakeholder requests: the same access functions
(apps.requests.access), selectors and services as the pages."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.accounts.permissions import Action, allows, require
from apps.products.access import ProductScopedMixin
from apps.requests import access, decisions, selectors, services
from apps.requests.delivery import expected_deliveries
from apps.requests.filters import InboxFilter, RequestFilter
from apps.requests.models import Attachment, Comment, StakeholderRequest, TriageSettings
from apps.requests.serializers import (
    AcceptSerializer,
    AskForInfoSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CommentSerializer,
    DeclineSerializer,
    InboxQuerySerializer,
    InboxRequestSerializer,
    MergeSerializer,
    NotificationPreferenceSerializer,
    RequestEditSerializer,
    RequestSerializer,
    RequestSubmitSerializer,
    SimilarQuerySerializer,
    SnoozeSerializer,
    TeamRequestSerializer,
    TriageSettingsSerializer,
    WithdrawSerializer,
)

DECISION_SERIALIZERS = {
    "accept": AcceptSerializer,
    "decline": DeclineSerializer,
    "merge": MergeSerializer,
    "ask": AskForInfoSerializer,
    "snooze": SnoozeSerializer,
}


class ListWithDeliveriesMixin:
    """Lists compute the expected delivery of the whole page in one go."""

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "deliveries": expected_deliveries(page)}
        return self.get_paginated_response(self.get_serializer(page, many=True, context=context).data)


class RequestViewSet(ListWithDeliveriesMixin, ProductScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Requests of a product that the caller may see: the team sees all of them;
    other members see their own and the public ones. PMs triage through the
    decision actions; each answers with the request as it is afterwards."""

    lookup_field = "number"
    lookup_value_regex = r"\d+"
    default_required = Action.VIEW_REQUESTS
    filterset_class = RequestFilter
    ordering_fields = ["created_at", "updated_at", "number"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required = {
        "create": Action.SUBMIT_REQUEST,
        "partial_update": Action.SUBMIT_REQUEST,
        "withdraw": Action.SUBMIT_REQUEST,
        **dict.fromkeys(DECISION_SERIALIZERS, Action.TRIAGE_REQUESTS),
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StakeholderRequest.objects.none()
        return selectors.request_list(self.request.user, self.product)

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or allows(self.product.viewer_role, Action.VIEW_REQUEST_INTERNALS):
            return TeamRequestSerializer
        return RequestSerializer

    def get_object(self):
        if self.lookup_field not in self.kwargs:
            # OPTIONS on the settings action (a PUT without a number) asks for an object to describe.
            raise Http404("No request here.")
        return access.access_request(
            self.request.user, self.product, self.kwargs[self.lookup_field], self.required_action
        )

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    @extend_schema(request=RequestSubmitSerializer, responses={201: TeamRequestSerializer})
    def create(self, request, *args, **kwargs):
        serializer = RequestSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        try:
            stakeholder_request = services.request_submit(
                actor=request.user, product=self.product, attachments=fields.pop("attachments", []), **fields
            )
        except services.SubmissionRateLimited as exc:
            raise Throttled(wait=exc.retry_after.total_seconds(), detail=str(exc)) from exc
        return self._answer(stakeholder_request, status=status.HTTP_201_CREATED)

    @extend_schema(request=RequestEditSerializer, responses=RequestSerializer)
    def partial_update(self, request, *args, **kwargs):
        """The requester corrects their request while it waits for a decision; send the version you edited."""
        stakeholder_request = access.access_own_request(request.user, self.product, self.kwargs[self.lookup_field])
        serializer = RequestEditSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "version" not in changes:
            raise ValidationError({"version": ["Send the version you edited, so a newer change is not overwritten."]})
        services.request_edit(
            actor=request.user,
            stakeholder_request=stakeholder_request,
            expected_version=changes.pop("version"),
            **changes,
        )
        return self._answer(stakeholder_request)

    @extend_schema(request=WithdrawSerializer, responses=RequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, product_slug, number):
        """The requester withdraws their request before it is decided; watchers are told."""
        stakeholder_request = access.access_own_request(request.user, self.product, number)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.request_withdraw(
            actor=request.user,
            stakeholder_request=stakeholder_request,
            expected_version=serializer.validated_data["version"],
            reason=serializer.validated_data["reason"],
        )
        return self._answer(stakeholder_request)

    @extend_schema(parameters=[SimilarQuerySerializer], responses=RequestSerializer(many=True))
    @action(detail=False, filterset_class=None, pagination_class=None)
    def similar(self, request, product_slug):
        """Requests like the text being typed, among those the caller may see, best first."""
        query = SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        matches = selectors.similar_requests(request.user, self.product, query.validated_data["q"])
        context = {**self.get_serializer_context(), "deliveries": expected_deliveries(matches)}
        return Response(self.get_serializer(matches, many=True, context=context).data)

    @extend_schema(request=None, responses=RequestSerializer)
    @action(detail=True, methods=["post", "delete"])
    def vote(self, request, product_slug, number):
        """POST: "this is my problem too" (+1, and watch). DELETE: take the +1 back."""
        stakeholder_request = self.get_object()
        if request.method == "POST":
            services.vote_add(actor=request.user, stakeholder_request=stakeholder_request)
        else:
            services.vote_remove(actor=request.user, stakeholder_request=stakeholder_request)
        return self._answer(stakeholder_request)

    @extend_schema(request=None, responses=RequestSerializer)
    @action(detail=True, methods=["post", "delete"])
    def watch(self, request, product_slug, number):
        """POST: be told of changes by email. DELETE: stop."""
        stakeholder_request = self.get_object()
        services.watch_set(
            actor=request.user, stakeholder_request=stakeholder_request, watching=request.method == "POST"
        )
        return self._answer(stakeholder_request)

    @extend_schema(request=AcceptSerializer, responses=TeamRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, product_slug, number):
        """Accept into the backlog: link `backlog_item` or create an item from the request."""
        return self._decide("accept")

    @extend_schema(request=DeclineSerializer, responses=TeamRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, product_slug, number):
        """Decline with a reason the requester is told."""
        return self._decide("decline")

    @extend_schema(request=MergeSerializer, responses=TeamRequestSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, product_slug, number):
        """Close as a duplicate of request `into`; votes and watchers move there."""
        return self._decide("merge")

    @extend_schema(request=AskForInfoSerializer, responses=TeamRequestSerializer)
    @action(detail=True, methods=["post"])
    def ask(self, request, product_slug, number):
        """Ask the requester for more information; their answer returns it to the inbox."""
        return self._decide("ask")

    @extend_schema(request=SnoozeSerializer, responses=TeamRequestSerializer)
    @action(detail=True, methods=["post"])
    def snooze(self, request, product_slug, number):
        """Hide from the triage inbox until a date."""
        return self._decide("snooze")

    @extend_schema(request=TriageSettingsSerializer, responses=TriageSettingsSerializer)
    @action(detail=False, methods=["get", "put"], url_path="settings", filterset_class=None, pagination_class=None)
    def triage_settings(self, request, product_slug):
        """The product's service level. Team members read it; PMs change it."""
        require(request.user, Action.VIEW_REQUEST_INTERNALS, self.product)
        if request.method == "PUT":
            require(request.user, Action.TRIAGE_REQUESTS, self.product)
            serializer = TriageSettingsSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.triage_settings_set(actor=request.user, product=self.product, **serializer.validated_data)
        current = TriageSettings(response_target_days=selectors.response_target_days(self.product))
        return Response(TriageSettingsSerializer(current).data)

    def _decide(self, name: str) -> Response:
        stakeholder_request = self.get_object()
        serializer = DECISION_SERIALIZERS[name](data=self.request.data)
        serializer.is_valid(raise_exception=True)
        decisions.TRIAGE_DECISIONS[name].decide(
            actor=self.request.user, stakeholder_request=stakeholder_request, **serializer.validated_data
        )
        return self._answer(stakeholder_request)

    def _answer(self, stakeholder_request, status=status.HTTP_200_OK) -> Response:
        """The request as the caller sees it after a change."""
        return self._respond(
            access.access_request(self.request.user, self.product, stakeholder_request.number), status=status
        )

    def _respond(self, stakeholder_request, status=status.HTTP_200_OK) -> Response:
        context = {**self.get_serializer_context(), "deliveries": expected_deliveries([stakeholder_request])}
        return Response(self.get_serializer(stakeholder_request, context=context).data, status=status)


class CommentViewSet(ProductScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The public thread of a request; the product team also sees and writes internal notes."""

    serializer_class = CommentSerializer
    filterset_fields = ["internal"]
    ordering_fields = ["created_at"]
    default_required = Action.VIEW_REQUESTS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        stakeholder_request = access.access_comments(self.request.user, self.product, self.kwargs["number"])
        return access.visible_comments(self.request.user, stakeholder_request)

    def perform_create(self, serializer):
        internal = serializer.validated_data["internal"]
        serializer.instance = services.comment_add(
            actor=self.request.user,
            stakeholder_request=access.access_comments(
                self.request.user, self.product, self.kwargs["number"], internal=internal
            ),
            body=serializer.validated_data["body"],
            internal=internal,
        )


class AttachmentViewSet(ProductScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Files of a request, for its requester and the product team. Each is
    downloaded from its `download_url`, which checks permissions again."""

    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = None
    default_required = Action.VIEW_REQUESTS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        stakeholder_request = access.access_attachments(self.request.user, self.product, self.kwargs["number"])
        return selectors.attachments_of(stakeholder_request)

    @extend_schema(request=AttachmentUploadSerializer, responses={201: AttachmentSerializer(many=True)})
    def create(self, request, *args, **kwargs):
        stakeholder_request = access.access_attachments(request.user, self.product, self.kwargs["number"], adding=True)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        added = services.attachments_add(
            actor=request.user, stakeholder_request=stakeholder_request, files=serializer.validated_data["attachments"]
        )
        context = self.get_serializer_context()
        return Response(AttachmentSerializer(added, many=True, context=context).data, status=status.HTTP_201_CREATED)


class InboxView(ListWithDeliveriesMixin, generics.ListAPIView):
    """Undecided requests of every product whose inbox the caller may see, oldest
    first, with their age in working days and whether they are past the product's target."""

    serializer_class = InboxRequestSerializer
    filterset_class = InboxFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StakeholderRequest.objects.none()
        access.require_inbox(self.request.user)
        query = InboxQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.inbox(self.request.user, query.validated_data["state"])

    def paginate_queryset(self, queryset):
        return selectors.flag_service_levels(super().paginate_queryset(queryset))

    @extend_schema(parameters=[InboxQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MyRequestsView(ListWithDeliveriesMixin, generics.ListAPIView):
    """Requests the caller raised or watches, across their products, most recently changed first."""

    serializer_class = RequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StakeholderRequest.objects.none()
        return selectors.my_requests(self.request.user)


class NotificationPreferenceView(generics.RetrieveUpdateAPIView):
    """Whether the caller gets emails about requests they raised or watch."""

    serializer_class = NotificationPreferenceSerializer
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_object(self):
        return selectors.notification_preference(self.request.user)

    def perform_update(self, serializer):
        # A PATCH may leave the setting out: it keeps its current value.
        wanted = {"email_on_request_updates": serializer.instance.email_on_request_updates, **serializer.validated_data}
        serializer.instance = services.notification_preference_set(actor=self.request.user, **wanted)
