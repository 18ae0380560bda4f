from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.roadmap.api import EpicForecastViewSet, MilestoneViewSet, RoadmapItemViewSet

router = SimpleRouter()
router.register("items", RoadmapItemViewSet, basename="roadmap-item")
router.register("milestones", MilestoneViewSet, basename="roadmap-milestone")
router.register("epics", EpicForecastViewSet, basename="roadmap-epic")

urlpatterns = [path("products/<slug:product_slug>/roadmap/", include(router.urls))]
