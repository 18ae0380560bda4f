from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.sprints.api import (
    ExitCriterionViewSet,
    SprintItemViewSet,
    SprintViewSet,
    StageViewSet,
    VelocityView,
    WipLimitsView,
)

sprints = SimpleRouter()
sprints.register("sprints", SprintViewSet, basename="sprint")

in_sprint = SimpleRouter()
in_sprint.register("items", SprintItemViewSet, basename="sprint-item")
in_sprint.register("stages", StageViewSet, basename="sprint-stage")

in_stage = SimpleRouter()
in_stage.register("criteria", ExitCriterionViewSet, basename="exit-criterion")

product = "products/<slug:product_slug>/"
urlpatterns = [
    path(product, include(sprints.urls)),
    path(f"{product}sprints/<int:sprint_pk>/", include(in_sprint.urls)),
    path(f"{product}sprints/<int:sprint_pk>/stages/<int:stage_pk>/", include(in_stage.urls)),
    path(f"{product}velocity/", VelocityView.as_view(), name="sprint-velocity"),
    path(f"{product}wip-limits/", WipLimitsView.as_view(), name="sprint-wip-limits"),
]
