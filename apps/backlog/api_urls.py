from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.backlog.api import (
    BacklogItemViewSet,
    BlockerViewSet,
    CriterionViewSet,
    ItemAttachmentView,
    LabelViewSet,
    RelationViewSet,
    SavedFilterViewSet,
)

router = SimpleRouter()
router.register("items", BacklogItemViewSet, basename="backlog-item")
router.register("criteria", CriterionViewSet, basename="backlog-criterion")
router.register("blockers", BlockerViewSet, basename="backlog-blocker")
router.register("labels", LabelViewSet, basename="backlog-label")
router.register("relations", RelationViewSet, basename="backlog-relation")
router.register("saved-filters", SavedFilterViewSet, basename="backlog-saved-filter")

attachment = ItemAttachmentView.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    path("products/<slug:product_slug>/backlog/", include(router.urls)),
    path(
        "products/<slug:product_slug>/backlog/items/<int:number>/attachments/<int:pk>/",
        attachment,
        name="backlog-item-attachment",
    ),
]
