from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.products.api import MembershipViewSet, MetricReadingViewSet, OutcomeMetricViewSet, ProductViewSet

router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")

product_router = SimpleRouter()
product_router.register("memberships", MembershipViewSet, basename="membership")
product_router.register("metrics", OutcomeMetricViewSet, basename="metric")
product_router.register(r"metrics/(?P<metric_id>\d+)/readings", MetricReadingViewSet, basename="metric-reading")

urlpatterns = [
    *router.urls,
    path("products/<slug:product_slug>/", include(product_router.urls)),
]
