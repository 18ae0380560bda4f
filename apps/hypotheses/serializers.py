from rest_framework import serializers

from apps.backlog.models import BacklogItem
from apps.hypotheses.forms import FOLLOW_UP_KINDS
from apps.hypotheses.models import Assumption
from apps.hypotheses.services import PLACES


class FollowUpItemSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)  # the backlog's endpoints document the choices

    class Meta:
        model = BacklogItem
        fields = ["id", "number", "title", "status"]
        read_only_fields = fields


class AssumptionSerializer(serializers.ModelSerializer):
    follow_up_items = FollowUpItemSerializer(many=True, read_only=True)

    class Meta:
        model = Assumption
        fields = [
            "id",
            "sprint",
            "text",
            "category",
            "status",
            "created_at",
            "checked_at",
            "outcome_note",
            "follow_up_items",
            "version",
        ]
        read_only_fields = fields


class AssumptionCreateSerializer(serializers.Serializer):
    sprint = serializers.IntegerField()
    text = serializers.CharField(max_length=500)
    category = serializers.ChoiceField(choices=Assumption.Category.choices)


class HeldSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, required=False, default="")
    version = serializers.IntegerField(required=False)


class FollowUpSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=FOLLOW_UP_KINDS, default=BacklogItem.Kind.TASK)
    story_points = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    estimate_optimistic = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    estimate_likely = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    estimate_pessimistic = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)


class WrongSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="What turned out to be the case.")
    place = serializers.ChoiceField(choices=list(PLACES.items()), default="backlog")
    stage = serializers.IntegerField(required=False, allow_null=True, help_text="A stage of the sprint, for 'sprint'.")
    follow_ups = FollowUpSerializer(many=True, required=False, default=list)
    version = serializers.IntegerField(required=False)
