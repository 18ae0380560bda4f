from rest_framework import serializers

from apps.notifications.kinds import KINDS, Email, Kind
from apps.notifications.models import Notification, NotificationPreference


class NotificationSerializer(serializers.ModelSerializer):
    actor: serializers.StringRelatedField = serializers.StringRelatedField()
    product: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    unread = serializers.BooleanField(source="is_unread", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "link", "actor", "product", "created_at", "read_at", "unread"]
        read_only_fields = fields


class PreferenceSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    in_app = serializers.BooleanField(required=False)
    email = serializers.ChoiceField(choices=Email.choices, required=False)

    class Meta:
        model = NotificationPreference
        fields = ["kind", "name", "description", "in_app", "email"]
        read_only_fields = ["kind", "name", "description"]

    def get_name(self, preference) -> str:
        return KINDS[Kind(preference.kind)].label

    def get_description(self, preference) -> str:
        return KINDS[Kind(preference.kind)].description


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
