from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.hypotheses.api import AssumptionViewSet

router = SimpleRouter()
router.register("assumptions", AssumptionViewSet, basename="assumption")

urlpatterns = [path("products/<slug:product_slug>/", include(router.urls))]
