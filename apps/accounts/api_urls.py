from django.urls import path

from apps.accounts.api import MeView, TokenObtainView

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
]
