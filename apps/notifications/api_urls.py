from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.notifications.api import NotificationViewSet, PreferenceListView, PreferenceView

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("notifications/preferences/", PreferenceListView.as_view(), name="notification-preferences"),
    path("notifications/preferences/<str:kind>/", PreferenceView.as_view(), name="notification-preference"),
    *router.urls,
]
