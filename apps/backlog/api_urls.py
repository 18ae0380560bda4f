from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.backlog.api import BacklogItemViewSet, BlockerViewSet, CriterionViewSet, LabelViewSet

router = SimpleRouter()
router.register("items", BacklogItemViewSet, basename="backlog-item")
router.register("criteria", CriterionViewSet, basename="backlog-criterion")
router.register("blockers", BlockerViewSet, basename="backlog-blocker")
router.register("labels", LabelViewSet, basename="backlog-label")

urlpatterns = [path("products/<slug:product_slug>/backlog/", include(router.urls))]
