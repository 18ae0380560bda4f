"""Shapes of the API. Reads and inputs are separate where they differ; the
public shapes (stakeholders) carry the statement, outcome and learning only."""

from rest_framework import serializers

from apps.backlog.models import BacklogItem
from apps.hypotheses.forms import FOLLOW_UP_KINDS, TEST_ITEM_KINDS
from apps.hypotheses.models import (
    Assumption,
    Experiment,
    FeasibilityAssessment,
    GateResult,
    Hypothesis,
    LearningEntry,
    ModelVersion,
    ReleaseGate,
)
from apps.hypotheses.services import PLACES, blocking_reason, gate_states
from apps.products.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, OutcomeMetric

VERSION_HELP = "The version you edited; a newer one answers 409."
# What an experiment's edit may set; it is concluded by recording its result.
EXPERIMENT_OPEN_STATUSES = [(s.value, s.label) for s in (Experiment.Status.PLANNED, Experiment.Status.RUNNING)]


def value_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES, allow_null=True, **kwargs
    )


def version_field(required: bool = True) -> serializers.IntegerField:
    return serializers.IntegerField(required=required, help_text=VERSION_HELP)


# --- assumptions ---------------------------------------------------------------------------


class FollowUpItemSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)  # the backlog's endpoints document the choices

    class Meta:
        model = BacklogItem
        fields = ["id", "number", "title", "status"]
        read_only_fields = fields


class AssumptionSerializer(serializers.ModelSerializer):
    follow_up_items = FollowUpItemSerializer(many=True, read_only=True)
    hypothesis = serializers.SerializerMethodField(help_text="The hypothesis's number, for an assumption of one.")

    class Meta:
        model = Assumption
        fields = [
            "id",
            "sprint",
            "hypothesis",
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

    def get_hypothesis(self, assumption) -> int | None:
        return assumption.hypothesis.number if assumption.hypothesis_id else None


class AssumptionCreateSerializer(serializers.Serializer):
    sprint = serializers.IntegerField(required=False, allow_null=True, help_text="The sprint's id…")
    hypothesis = serializers.IntegerField(required=False, allow_null=True, help_text="…or the hypothesis's number.")
    text = serializers.CharField(max_length=500)
    category = serializers.ChoiceField(choices=Assumption.Category.choices)

    def validate(self, attrs):
        if (attrs.get("sprint") is None) == (attrs.get("hypothesis") is None):
            raise serializers.ValidationError("Give a sprint or a hypothesis (one of the two).")
        return attrs


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


# --- hypotheses ---------------------------------------------------------------------------------


class PublicHypothesisSerializer(serializers.ModelSerializer):
    """What stakeholders read of a published hypothesis."""

    reference = serializers.CharField(read_only=True)
    statement = serializers.CharField(read_only=True)
    metric_name = serializers.CharField(read_only=True)

    class Meta:
        model = Hypothesis
        fields = [
            "id",
            "number",
            "reference",
            "statement",
            "change",
            "audience",
            "outcome",
            "metric_name",
            "baseline",
            "target",
            "target_date",
            "status",
            "learning",
            "concluded_at",
            "published_at",
        ]
        read_only_fields = fields


PROPOSED_HELP = "The status the last recorded experiment proposes until the PM decides ('' when none)."


class HypothesisSerializer(PublicHypothesisSerializer):
    """The team's view: everything, with the latest observed value and the linked work."""

    proposed_status = serializers.CharField(read_only=True, help_text=PROPOSED_HELP)

    owner: serializers.Field = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    metric_unit = serializers.CharField(read_only=True)
    observed = value_field(read_only=True, help_text="The latest concluded experiment's observed value.")
    experiment_count = serializers.IntegerField(read_only=True)
    test_items = serializers.SerializerMethodField(help_text="Numbers of the backlog items that test it.")
    requests = serializers.SerializerMethodField(help_text="Numbers of the requests that motivated it.")

    class Meta(PublicHypothesisSerializer.Meta):
        fields = [
            *PublicHypothesisSerializer.Meta.fields,
            "metric",
            "metric_text",
            "metric_unit",
            "direction",
            "unit",
            "owner",
            "status_reason",
            "confidence_before",
            "confidence_after",
            "evidence",
            "notes",
            "next_step",
            "proposed_status",
            "observed",
            "experiment_count",
            "test_items",
            "requests",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_test_items(self, hypothesis) -> list[int]:
        return sorted(link.item.number for link in hypothesis.item_links.all())

    def get_requests(self, hypothesis) -> list[int]:
        return sorted(link.request.number for link in hypothesis.request_links.all())


class HypothesisInputSerializer(serializers.Serializer):
    change = serializers.CharField(max_length=300, required=False, help_text="We believe [change]…")
    audience = serializers.CharField(max_length=200, required=False, help_text="…for [whom]…")
    outcome = serializers.CharField(max_length=300, required=False, help_text="…will result in [outcome].")
    metric = serializers.IntegerField(required=False, allow_null=True, help_text="An outcome metric's id…")
    metric_text = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="…or a metric of its own."
    )
    direction = serializers.ChoiceField(choices=OutcomeMetric.Direction.choices, required=False)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True)
    baseline = value_field(required=False)
    target = value_field(required=False)
    target_date = serializers.DateField(required=False, allow_null=True)
    owner: serializers.Field = serializers.CharField(
        required=False, allow_null=True, help_text="A team member's username."
    )
    confidence_before = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    confidence_after = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    evidence = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    learning = serializers.CharField(required=False, allow_blank=True)
    next_step = serializers.CharField(required=False, allow_blank=True)
    version = version_field(required=False)


class StatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Hypothesis.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Needed to reopen testing.")
    learning = serializers.CharField(required=False, allow_blank=True, help_text="What we learned.")
    next_step = serializers.CharField(required=False, allow_blank=True, help_text="What we do next.")
    confidence_after = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    version = version_field()


class PublishInputSerializer(serializers.Serializer):
    published = serializers.BooleanField(default=True)
    version = version_field()


class TestItemInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=TEST_ITEM_KINDS, default=BacklogItem.Kind.EXPERIMENT)
    story_points = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)


class TestItemsInputSerializer(serializers.Serializer):
    items = TestItemInputSerializer(many=True, allow_empty=False)


class TestItemsCreatedSerializer(serializers.Serializer):
    items = FollowUpItemSerializer(many=True)


class LinksInputSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    requests = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)


# --- experiments ------------------------------------------------------------------------------


class ExperimentSerializer(serializers.ModelSerializer):
    hypothesis = serializers.IntegerField(source="hypothesis.number", read_only=True)
    proposed_status = serializers.CharField(
        read_only=True, help_text="The hypothesis status its result proposes ('' without figures or before it)."
    )
    concluded_by: serializers.Field = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Experiment
        fields = [
            "id",
            "hypothesis",
            "title",
            "method",
            "design_notes",
            "started_on",
            "ended_on",
            "sprint",
            "status",
            "observed_value",
            "control_value",
            "treatment_value",
            "control_size",
            "treatment_size",
            "interval_low",
            "interval_high",
            "interval_level",
            "conclusion",
            "proposed_status",
            "concluded_at",
            "concluded_by",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class ExperimentInputSerializer(serializers.Serializer):
    hypothesis = serializers.IntegerField(required=False, help_text="The hypothesis's number (on create).")
    title = serializers.CharField(max_length=200, required=False)
    method = serializers.ChoiceField(choices=Experiment.Method.choices, required=False)
    design_notes = serializers.CharField(required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)
    sprint = serializers.IntegerField(
        required=False, allow_null=True, help_text="The id of the sprint it is worked in."
    )
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in (Experiment.Status.PLANNED, Experiment.Status.RUNNING)], required=False
    )
    version = version_field(required=False)


class ResultInputSerializer(serializers.Serializer):
    observed_value = value_field(required=False, help_text="For an A/B test, the treatment's value when left out.")
    control_value = value_field(required=False)
    treatment_value = value_field(required=False)
    control_size = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    treatment_size = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    interval_low = value_field(required=False)
    interval_high = value_field(required=False)
    interval_level = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=99)
    conclusion = serializers.CharField(help_text="What the result means.")
    tell_requesters = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Emailed to the requesters of linked requests."
    )
    version = version_field()


# --- the learning log --------------------------------------------------------------------------


class PublicLearningEntrySerializer(serializers.ModelSerializer):
    hypothesis = serializers.IntegerField(source="hypothesis.number", read_only=True)

    class Meta:
        model = LearningEntry
        fields = ["id", "hypothesis", "happened_at", "status", "believed", "learned"]
        read_only_fields = fields


class LearningEntrySerializer(PublicLearningEntrySerializer):
    experiment: serializers.Field = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    actor: serializers.Field = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta(PublicLearningEntrySerializer.Meta):
        fields = [*PublicLearningEntrySerializer.Meta.fields, "kind", "experiment", "ran", "next_step", "actor"]
        read_only_fields = fields


# --- feasibility ------------------------------------------------------------------------------------


class FeasibilitySerializer(serializers.ModelSerializer):
    epic = serializers.IntegerField(source="epic.number", read_only=True, allow_null=True)
    hypothesis = serializers.IntegerField(source="hypothesis.number", read_only=True, allow_null=True)
    blockers: serializers.Field = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    decided_by: serializers.Field = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = FeasibilityAssessment
        fields = [
            "id",
            "epic",
            "hypothesis",
            "data_availability",
            "data_quality",
            "data_notes",
            "approvals_needed",
            "blockers",
            "expected_value",
            "effort_low",
            "effort_high",
            "decision",
            "decision_reason",
            "decided_on",
            "decided_by",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class FeasibilityInputSerializer(serializers.Serializer):
    epic = serializers.IntegerField(required=False, allow_null=True, help_text="An epic's number (on create)…")
    hypothesis = serializers.IntegerField(required=False, allow_null=True, help_text="…or a hypothesis's number.")
    data_availability = serializers.ChoiceField(choices=FeasibilityAssessment.Availability.choices, required=False)
    data_quality = serializers.ChoiceField(choices=FeasibilityAssessment.Quality.choices, required=False)
    data_notes = serializers.CharField(required=False, allow_blank=True)
    approvals_needed = serializers.CharField(required=False, allow_blank=True)
    blockers: serializers.Field = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, help_text="Ids of data-access blockers."
    )
    expected_value = serializers.CharField(required=False, allow_blank=True)
    effort_low = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    effort_high = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    version = version_field(required=False)


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=FeasibilityAssessment.Decision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = version_field()


# --- release gates -------------------------------------------------------------------------------------


class ReleaseGateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReleaseGate
        fields = ["id", "name", "description", "required", "position", "version"]
        read_only_fields = ["id"]
        extra_kwargs = {"version": {"required": False, "help_text": VERSION_HELP}}


class GateStateSerializer(serializers.Serializer):
    gate = serializers.IntegerField(source="gate.pk")
    name = serializers.CharField(source="gate.name")
    # A field named like Field.required: the serializer's metaclass takes it out of the class.
    required = serializers.BooleanField(source="gate.required")  # type: ignore[assignment]
    state = serializers.ChoiceField(choices=[("open", "Open"), *GateResult.Result.choices])
    evidence = serializers.CharField(source="result.evidence", default="")
    recorded_by = serializers.CharField(source="result.recorded_by", default=None, allow_null=True)
    recorded_at = serializers.DateTimeField(source="result.recorded_at", default=None, allow_null=True)


class ModelVersionSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="item.number", read_only=True)
    registered_by: serializers.Field = serializers.StringRelatedField(read_only=True, allow_null=True)
    signed_off_by: serializers.Field = serializers.StringRelatedField(read_only=True, allow_null=True)
    gates = serializers.SerializerMethodField()
    blocking = serializers.SerializerMethodField(help_text="Why its item cannot be done yet ('' when it can).")

    class Meta:
        model = ModelVersion
        fields = [
            "id",
            "item",
            "name",
            "notes",
            "artifact_url",
            "status",
            "registered_by",
            "registered_at",
            "signed_off_by",
            "signed_off_at",
            "sign_off_note",
            "gates",
            "blocking",
            "version",
        ]
        read_only_fields = fields

    def _states(self, model_version):
        gates = self.context["gates"]
        return gate_states(gates, list(model_version.gate_results.all()))

    def get_gates(self, model_version) -> list[dict]:
        return list(GateStateSerializer(self._states(model_version), many=True).data)

    def get_blocking(self, model_version) -> str:
        return blocking_reason(model_version, self._states(model_version))


class ModelVersionInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(required=False, help_text="The backlog item's number (on create).")
    name = serializers.CharField(max_length=80, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    artifact_url = serializers.URLField(required=False, allow_blank=True)
    version = version_field(required=False)


class GateResultInputSerializer(serializers.Serializer):
    gate = serializers.IntegerField(help_text="The gate's id.")
    result = serializers.ChoiceField(choices=GateResult.Result.choices)
    evidence = serializers.CharField(required=False, allow_blank=True, default="", help_text="A link or a note.")
    version = version_field(required=False)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = version_field()
