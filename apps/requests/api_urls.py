from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.requests.api import (
    AttachmentViewSet,
    CommentViewSet,
    InboxView,
    MyRequestsView,
    NotificationPreferenceView,
    RequestViewSet,
)

product_router = SimpleRouter()
product_router.register("requests", RequestViewSet, basename="stakeholder-request")

request_router = SimpleRouter()
request_router.register("comments", CommentViewSet, basename="request-comment")
request_router.register("attachments", AttachmentViewSet, basename="request-attachment")

urlpatterns = [
    path("products/<slug:product_slug>/", include(product_router.urls)),
    path("products/<slug:product_slug>/requests/<int:number>/", include(request_router.urls)),
    path("requests/inbox/", InboxView.as_view(), name="request-inbox"),
    path("requests/mine/", MyRequestsView.as_view(), name="request-mine"),
    path("requests/notification-settings/", NotificationPreferenceView.as_view(), name="request-notification-settings"),
]
