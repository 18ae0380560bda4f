from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.conversation.api import CommentViewSet, MentionableView, WatchView

router = SimpleRouter()
router.register("comments", CommentViewSet, basename="thread-comment")

THREAD = "products/<slug:product_slug>/threads/<slug:subject>/<str:ref>/"

urlpatterns = [
    path(THREAD, include(router.urls)),
    path(THREAD + "watch/", WatchView.as_view(), name="thread-watch"),
    path(THREAD + "mentionable/", MentionableView.as_view(), name="thread-mentionable"),
]
