from rest_framework import serializers

from apps.accounts.models import Membership, Role, User
from apps.accounts.permissions import role_in
from apps.products.models import OutcomeMetric, Product


class OutcomeMetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeMetric
        fields = ["id", "name", "description", "unit", "direction", "baseline", "target", "current"]


class ProductSerializer(serializers.ModelSerializer):
    my_role = serializers.SerializerMethodField()

    version = serializers.IntegerField(
        required=False, help_text="On edits: the version you saw; a newer one answers 409. Ignored on create."
    )

    class Meta:
        model = Product
        fields = ["id", "name", "slug", "kind", "vision", "definition_of_done", "created_at", "version", "my_role"]
        read_only_fields = ["id", "slug", "created_at", "my_role"]

    def get_my_role(self, product) -> str | None:
        role = role_in(self.context["request"].user, product)
        return role.value if role else None


class ProductDetailSerializer(ProductSerializer):
    outcome_metrics = OutcomeMetricSerializer(many=True, read_only=True)

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "outcome_metrics"]


class MemberUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name"]


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)
    user_id = serializers.PrimaryKeyRelatedField(
        source="user", queryset=User.objects.filter(is_active=True), write_only=True
    )
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "user", "user_id", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class MembershipRoleSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["role"]
