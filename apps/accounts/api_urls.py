from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from apps.accounts.api import MeView

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("auth/token/", obtain_auth_token, name="api-token"),
]
