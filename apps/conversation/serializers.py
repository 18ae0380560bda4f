from rest_framework import serializers

from apps.conversation.models import COMMENT_MAX_LENGTH, Comment


class ThreadCommentSerializer(serializers.ModelSerializer):
    author: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)
    mentioned: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", many=True, read_only=True
    )
    # The service's limit decides (its message names it); this only stops absurd payloads early.
    body = serializers.CharField(max_length=COMMENT_MAX_LENGTH * 2, help_text="Markdown; @username mentions.")
    version = serializers.IntegerField(
        required=False, help_text="On edits: the version you saw; a newer one makes the edit a 409."
    )

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "mentioned", "created_at", "edited_at", "version"]
        read_only_fields = ["id", "author", "mentioned", "created_at", "edited_at"]


class WatchSerializer(serializers.Serializer):
    watching = serializers.BooleanField()


class MentionableSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
