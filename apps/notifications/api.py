"""The caller's notifications and notification settings. Rows are found
through apps.notifications.access (one's own only), changed through services."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.notifications import selectors, services
from apps.notifications.access import access_notification, visible_notifications
from apps.notifications.filters import NotificationFilter
from apps.notifications.kinds import Kind
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.serializers import NotificationSerializer, PreferenceSerializer, UnreadCountSerializer


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's notifications, newest first (only those meant for the portal)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return visible_notifications(self.request.user).select_related("product")

    def get_object(self):
        return access_notification(self.request.user, self.kwargs["pk"])

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_read(actor=request.user, notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def unread(self, request, pk=None):
        notification = services.notification_unread(actor=request.user, notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=UnreadCountSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        services.notifications_read_all(actor=request.user)
        return Response({"unread": selectors.unread_count(request.user)})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(request.user)})


class PreferenceListView(generics.ListAPIView):
    """The caller's choice for every kind of event (the default where they never chose)."""

    serializer_class = PreferenceSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return NotificationPreference.objects.none()
        return selectors.preferences_of(self.request.user)


class PreferenceView(generics.RetrieveUpdateAPIView):
    """One kind: `in_app` (shown under the bell) and `email` (off, now, daily)."""

    serializer_class = PreferenceSerializer
    http_method_names = ["get", "put", "patch", "head", "options"]
    lookup_url_kwarg = "kind"

    def get_object(self):
        try:
            kind = Kind(self.kwargs["kind"])
        except ValueError:
            raise Http404("No such kind of notification.") from None
        return next(p for p in selectors.preferences_of(self.request.user) if p.kind == kind)

    def perform_update(self, serializer):
        serializer.instance = services.preference_set(
            actor=self.request.user,
            kind=serializer.instance.kind,
            in_app=serializer.validated_data.get("in_app"),
            email=serializer.validated_data.get("email"),
        )
