from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.hypotheses.api import (
    AssumptionViewSet,
    ExperimentViewSet,
    FeasibilityViewSet,
    HypothesisViewSet,
    LearningLogViewSet,
    ModelVersionViewSet,
    ReleaseGateViewSet,
)

router = SimpleRouter()
router.register("assumptions", AssumptionViewSet, basename="assumption")
router.register("hypotheses", HypothesisViewSet, basename="hypothesis")
router.register("experiments", ExperimentViewSet, basename="experiment")
router.register("learning-log", LearningLogViewSet, basename="learning-entry")
router.register("feasibility", FeasibilityViewSet, basename="feasibility")
router.register("release-gates", ReleaseGateViewSet, basename="release-gate")
router.register("model-versions", ModelVersionViewSet, basename="model-version")

urlpatterns = [path("products/<slug:product_slug>/", include(router.urls))]
