from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.accounts.api import ApiTokenViewSet, MeView, TokenObtainView

router = SimpleRouter()
router.register("auth/tokens", ApiTokenViewSet, basename="api-token-item")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    *router.urls,
]
