from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.delivery.api import DeliveryReportViewSet, PublishedSummaryView

router = SimpleRouter()
router.register("delivery-reports", DeliveryReportViewSet, basename="delivery-report")

urlpatterns = [
    path("products/<slug:product_slug>/", include(router.urls)),
    path("products/<slug:product_slug>/delivery-summary/", PublishedSummaryView.as_view(), name="delivery-summary"),
]
