from rest_framework import serializers

from apps.backlog.models import BacklogItem
from apps.sprints.models import ExitCriterion, Sprint, SprintItem, SprintStage
from apps.sprints.services import CloseDecision, StageLeftover


class SprintSerializer(serializers.ModelSerializer):
    """A sprint, read and written (one shape: the kind is set on creation only).
    Its figures and burndown are sub-resources."""

    say_do_ratio = serializers.DecimalField(max_digits=6, decimal_places=3, read_only=True, allow_null=True)
    version = serializers.IntegerField(
        required=False, help_text="On edits: the version you saw; a newer one answers 409."
    )

    class Meta:
        model = Sprint
        fields = [
            "id",
            "name",
            "goal",
            "kind",
            "status",
            "start_date",
            "end_date",
            "capacity_points",
            "started_at",
            "closed_at",
            "goal_met",
            "review_notes",
            "committed_points",
            "completed_points",
            "say_do_ratio",
            "version",
        ]
        read_only_fields = [
            "id",
            "status",
            "started_at",
            "closed_at",
            "goal_met",
            "review_notes",
            "committed_points",
            "completed_points",
            "say_do_ratio",
        ]


class FiguresSerializer(serializers.Serializer):
    committed = serializers.FloatField()
    added = serializers.FloatField()
    removed = serializers.FloatField()
    completed = serializers.FloatField()
    completed_committed = serializers.FloatField(help_text="Finished points that were committed.")
    carried_over = serializers.FloatField()
    dropped = serializers.FloatField(help_text="Unfinished points returned to the backlog at close.")
    say_do_ratio = serializers.FloatField(allow_null=True)
    scope_change = serializers.FloatField(help_text="Points added minus points removed after the start.")
    final = serializers.BooleanField(help_text="Frozen at close; never changes afterwards.")


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you saw; a newer one answers 409.")


class SprintStartSerializer(VersionSerializer):
    move_dates_to_today = serializers.BooleanField(
        required=False,
        default=False,
        help_text="For a sprint planned to start later: move its dates to start today, keeping its length.",
    )


class DecisionSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="Backlog item id of an unfinished item.")
    decision = serializers.ChoiceField(choices=CloseDecision.choices)


class SprintCloseSerializer(VersionSerializer):
    decisions = DecisionSerializer(many=True, required=False, default=list)
    next_sprint = serializers.IntegerField(
        required=False, allow_null=True, help_text="A planned sprint to carry into; by default one is planned."
    )

    def validate(self, attrs: dict) -> dict:
        """The decisions as the service takes them: backlog item id -> decision."""
        rows = attrs.get("decisions", [])
        attrs["decisions"] = {row["item"]: row["decision"] for row in rows}
        if len(attrs["decisions"]) != len(rows):
            raise serializers.ValidationError({"decisions": ["One decision per item."]})
        return attrs


class SprintReviewSerializer(VersionSerializer):
    goal_met = serializers.BooleanField(allow_null=True)
    review_notes = serializers.CharField(allow_blank=True, required=False, default="")


class BurndownSerializer(serializers.Serializer):
    days = serializers.ListField(child=serializers.DateField())
    committed = serializers.FloatField(help_text="Points committed at the start: where the ideal line begins.")
    ideal = serializers.ListField(child=serializers.FloatField())
    remaining = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="Remaining at the end of each day; null in the future."
    )
    added = serializers.ListField(child=serializers.FloatField())
    removed = serializers.ListField(child=serializers.FloatField())
    completed = serializers.ListField(child=serializers.FloatField())


class VelocityRowSerializer(serializers.Serializer):
    sprint = serializers.IntegerField()
    name = serializers.CharField()
    end_date = serializers.DateField()
    committed = serializers.FloatField()
    completed = serializers.FloatField()
    say_do_ratio = serializers.FloatField(allow_null=True)


class VelocitySerializer(serializers.Serializer):
    sprints = VelocityRowSerializer(many=True)
    average_completed = serializers.FloatField(allow_null=True)


class ItemSummarySerializer(serializers.ModelSerializer):
    # Plain strings here: the backlog's own endpoints document their choices.
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = BacklogItem
        fields = ["id", "number", "title", "kind", "status", "version"]
        read_only_fields = fields


class SprintItemSerializer(serializers.ModelSerializer):
    item = ItemSummarySerializer(read_only=True)
    blocked = serializers.BooleanField(read_only=True)

    class Meta:
        model = SprintItem
        fields = [
            "id",
            "item",
            "stage",
            "points",
            "committed",
            "outcome",
            "added_at",
            "carried_from",
            "finding",
            "blocked",
        ]
        read_only_fields = fields


class SprintItemAddSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="Backlog item id.")
    stage = serializers.IntegerField(required=False, allow_null=True)


class SprintItemUpdateSerializer(serializers.Serializer):
    stage = serializers.IntegerField(required=False, allow_null=True, help_text="Needs the right to plan sprints.")
    finding = serializers.CharField(required=False, allow_blank=True, help_text="What an experiment answered.")


class ExitCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExitCriterion
        fields = ["id", "text", "met", "position"]
        read_only_fields = ["id", "position"]


class ExitCriterionUpdateSerializer(serializers.Serializer):
    met = serializers.BooleanField()


class StageSerializer(serializers.ModelSerializer):
    exit_criteria = ExitCriterionSerializer(many=True, read_only=True)
    is_closed = serializers.BooleanField(read_only=True)

    class Meta:
        model = SprintStage
        fields = [
            "id",
            "position",
            "name",
            "goal",
            "start_date",
            "end_date",
            "is_closed",
            "closed_at",
            "override_reason",
            "exit_criteria",
            "version",
        ]
        read_only_fields = fields


class StageUpdateSerializer(VersionSerializer):
    name = serializers.CharField(max_length=80)
    goal = serializers.CharField(allow_blank=True, required=False, default="")
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class StageCloseSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="Needed when some exit criteria are not met."
    )
    unfinished = serializers.ChoiceField(
        choices=StageLeftover.choices,
        required=False,
        default="",
        allow_blank=True,
        help_text="Needed when items of the stage are unfinished: next_stage, sprint (decide at the sprint's close) "
        "or backlog.",
    )


class WipLimitsSerializer(serializers.Serializer):
    """The board's work-in-progress limits by column status ("in_progress": 3); a
    column without a limit is absent (or null when sent)."""

    wip_limits = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=999, allow_null=True), allow_empty=True
    )
