"""Comments and watches on anything an app puts up for discussion (a backlog
item, a roadmap item, a hypothesis): one thread and one watch list per
object, named by content type, so each app reuses the same mechanism instead
of growing its own. What may be discussed, and who may read and write, each
app says when it registers its model (apps.conversation.subjects)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

COMMENT_MAX_LENGTH = 10_000


class Comment(models.Model):
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(help_text="Markdown.")
    # Who the body mentions (and was told so), kept so that an edit tells only the newly mentioned.
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["target_type_id", "target_id", "created_at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at", "-id"], name="thread_newest_first")]

    def __str__(self):
        return f"Comment by {self.author_id} on {self.target_type_id}:{self.target_id}"


class Watch(models.Model):
    """Someone told when the object changes or gets a comment."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target_type", "target_id"], name="one_watch_per_person_and_object")
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="watchers_of_object")]

    def __str__(self):
        return f"user {self.user_id} watches {self.target_type_id}:{self.target_id}"
