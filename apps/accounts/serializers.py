from django.conf import settings
from rest_framework import serializers

from apps.accounts.models import ApiToken, Membership, User
from apps.accounts.permissions import Action


class MyMembershipSerializer(serializers.ModelSerializer):
    product: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["product", "role"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MyMembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "memberships"]


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as listed: never its secret."""

    product: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The one product the token is limited to."
    )
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=[a.value for a in Action]),
        read_only=True,
        help_text="What the token may do in its product (view_product always).",
    )
    key_prefix = serializers.CharField(read_only=True, help_text="The secret's first characters, to tell tokens apart.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "key_prefix", "product", "actions", "created_at", "last_used_at", "expires_at"]
        read_only_fields = fields


class ApiTokenWithSecretSerializer(ApiTokenSerializer):
    """A token just made: the only time its secret is shown."""

    token = serializers.CharField(read_only=True, help_text="The secret. Shown once; send it as `Token <secret>`.")

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(min_value=1, default=30, help_text="Days until it stops working.")
    product = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="Slug of the one product to limit the token to."
    )
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=[a.value for a in Action]),
        required=False,
        default=list,
        help_text="With `product`: what the token may do there.",
    )

    def validate_expires_in_days(self, value):
        if value > settings.API_TOKEN_MAX_DAYS:
            raise serializers.ValidationError(f"At most {settings.API_TOKEN_MAX_DAYS} days.")
        return value


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, help_text="What will use the token.")
    expires_in_days = serializers.IntegerField(min_value=1, required=False)
