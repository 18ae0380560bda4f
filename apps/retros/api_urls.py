from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.retros.api import (
    ActionViewSet,
    CardViewSet,
    ColumnViewSet,
    DimensionViewSet,
    HealthCheckCloseView,
    HealthCheckView,
    HealthTrendView,
    LayoutViewSet,
    ProductActionViewSet,
    RetroViewSet,
    SettingsView,
    ThemeViewSet,
    VoteViewSet,
)

product_router = SimpleRouter()
product_router.register("retros", RetroViewSet, basename="retro")
product_router.register("retro-actions", ProductActionViewSet, basename="retro-action")
product_router.register("health-dimensions", DimensionViewSet, basename="health-dimension")
product_router.register("retro-layouts", LayoutViewSet, basename="retro-layout")

retro_router = SimpleRouter()
retro_router.register("columns", ColumnViewSet, basename="retro-column")
retro_router.register("cards", CardViewSet, basename="retro-card")
retro_router.register("themes", ThemeViewSet, basename="retro-theme")
retro_router.register("votes", VoteViewSet, basename="retro-vote")
retro_router.register("actions", ActionViewSet, basename="retro-item")

urlpatterns = [
    path("products/<slug:product_slug>/", include(product_router.urls)),
    path("products/<slug:product_slug>/retros/<int:retro_pk>/", include(retro_router.urls)),
    path(
        "products/<slug:product_slug>/retros/<int:retro_pk>/health-check/",
        HealthCheckView.as_view(),
        name="retro-health-check",
    ),
    path(
        "products/<slug:product_slug>/retros/<int:retro_pk>/health-check/close/",
        HealthCheckCloseView.as_view(),
        name="retro-health-check-close",
    ),
    path("products/<slug:product_slug>/retro-settings/", SettingsView.as_view(), name="retro-settings"),
    path("products/<slug:product_slug>/health-trend/", HealthTrendView.as_view(), name="health-trend"),
]
