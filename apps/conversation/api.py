"""Comment threads and watching through the API, for every object an app
registered (apps.conversation.subjects): `subject` is its name in the URL
("items", "roadmap-items"), `ref` what identifies it there (an item's number,
a roadmap item's id). The same doors and services as the pages."""

from functools import cached_property
from typing import TYPE_CHECKING

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import Action
from apps.conversation import selectors, services
from apps.conversation.access import READ, WRITE, access_comment, access_subject, visible_comments
from apps.conversation.models import Comment
from apps.conversation.serializers import MentionableSerializer, ThreadCommentSerializer, WatchSerializer
from apps.products.access import get_product

PATH_PARAMETERS = [
    OpenApiParameter("product_slug", str, OpenApiParameter.PATH),
    OpenApiParameter("subject", str, OpenApiParameter.PATH, description="items, roadmap-items, ..."),
    OpenApiParameter("ref", str, OpenApiParameter.PATH, description="An item's number, a roadmap item's id, ..."),
]


if TYPE_CHECKING:
    _View = generics.GenericAPIView
else:
    _View = object


class ThreadMixin(_View):
    """The product (any member reaches it; the object's door checks the rest) and the thread's object."""

    @cached_property
    def product(self):
        return get_product(self.request.user, self.kwargs["product_slug"], Action.VIEW_PRODUCT)

    def subject_and_target(self, mode: str = READ):
        return access_subject(self.request.user, self.product, self.kwargs["subject"], self.kwargs["ref"], mode)


@extend_schema(parameters=PATH_PARAMETERS)
class CommentViewSet(
    ThreadMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The thread of an object, oldest first. Edit and delete your own comments;
    mentioning someone who may not see the object is refused (400)."""

    serializer_class = ThreadCommentSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        subject, target = self.subject_and_target(READ)
        return visible_comments(self.request.user, self.product, subject, target).prefetch_related("mentioned")

    def get_object(self):
        own = self.action in ("partial_update", "update", "destroy")
        subject, target = self.subject_and_target(WRITE if own else READ)
        comment = access_comment(self.request.user, self.product, subject, target, self.kwargs["pk"], own=own)
        self.check_object_permissions(self.request, comment)
        return comment

    def perform_create(self, serializer):
        subject, target = self.subject_and_target(WRITE)
        serializer.instance = services.comment_add(
            actor=self.request.user,
            product=self.product,
            subject=subject,
            target=target,
            body=serializer.validated_data["body"],
        )

    def perform_update(self, serializer):
        subject, target = self.subject_and_target(WRITE)
        serializer.instance = services.comment_edit(
            actor=self.request.user,
            comment=serializer.instance,
            subject=subject,
            target=target,
            body=serializer.validated_data.get("body", serializer.instance.body),
            expected_version=serializer.validated_data.get("version"),
        )

    def perform_destroy(self, instance):
        services.comment_delete(actor=self.request.user, comment=instance)


@extend_schema(parameters=PATH_PARAMETERS)
class WatchView(ThreadMixin, generics.GenericAPIView):
    """Whether the caller watches the object (told of its changes and comments)."""

    serializer_class = WatchSerializer

    def get(self, request, *args, **kwargs):
        subject, target = self.subject_and_target(READ)
        return Response({"watching": selectors.is_watching(request.user, target)})

    def put(self, request, *args, **kwargs):
        subject, target = self.subject_and_target(READ)
        serializer = WatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        watching = services.watch_set(actor=request.user, target=target, watching=serializer.validated_data["watching"])
        return Response({"watching": watching})


@extend_schema(
    parameters=[*PATH_PARAMETERS, OpenApiParameter("q", str, description="What was typed after @")],
    responses=MentionableSerializer(many=True),
)
class MentionableView(ThreadMixin, generics.GenericAPIView):
    """Who may be mentioned on the object: members of the product who may see it."""

    serializer_class = MentionableSerializer
    pagination_class = None
    queryset = User.objects.none()  # for the schema: the people come from selectors.mentionable

    def get(self, request, *args, **kwargs):
        subject, target = self.subject_and_target(WRITE)
        people = selectors.mentionable(subject, target, self.product, request.query_params.get("q", ""))
        return Response(
            [{"username": person.username, "name": person.get_full_name() or person.username} for person in people]
        )
