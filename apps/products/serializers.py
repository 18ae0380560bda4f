from rest_framework import serializers

from apps.accounts.models import Membership, Role, User
from apps.accounts.permissions import role_in
from apps.products.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, MetricReading, OutcomeMetric, Product
from apps.products.services import MAX_READINGS_PER_PUSH


class OutcomeMetricSerializer(serializers.ModelSerializer):
    current = serializers.DecimalField(
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        read_only=True,
        allow_null=True,
        help_text="The latest reading's value (null: no reading yet).",
    )
    current_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="The day the latest reading was measured (null: no reading yet)."
    )
    version = serializers.IntegerField(
        required=False, help_text="On edits: the version you saw; a newer one answers 409. Ignored on create."
    )

    class Meta:
        model = OutcomeMetric
        fields = [
            "id",
            "name",
            "description",
            "unit",
            "direction",
            "baseline",
            "target",
            "current",
            "current_on",
            "version",
        ]
        read_only_fields = ["id", "current", "current_on"]
        # Duplicate names are refused by the service, on the name field.
        validators: list = []


class MetricReadingSerializer(serializers.ModelSerializer):
    recorded_by: serializers.Field = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = MetricReading
        fields = ["id", "measured_on", "value", "source", "recorded_by", "token_name", "recorded_at"]
        read_only_fields = fields


class ReadingInputSerializer(serializers.Serializer):
    measured_on = serializers.DateField(help_text="The day the value was measured (YYYY-MM-DD); not in the future.")
    # Rounded to the column's four decimal places rather than refused: pipelines send floats.
    value = serializers.DecimalField(
        max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES, rounding="ROUND_HALF_EVEN"
    )


class ReadingsPushSerializer(serializers.Serializer):
    # DRF's list serializers take max_length; the stubs do not know it yet.
    readings = ReadingInputSerializer(many=True, allow_empty=False, max_length=MAX_READINGS_PER_PUSH)  # type: ignore[call-arg]


class ReadingsPushedSerializer(serializers.Serializer):
    recorded = serializers.IntegerField(help_text="How many readings were written (new days and replaced values).")
    metric = OutcomeMetricSerializer()


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
