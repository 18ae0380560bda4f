from django.urls import path

from apps.home.api import SearchView

urlpatterns = [path("search/", SearchView.as_view(), name="api-search")]
