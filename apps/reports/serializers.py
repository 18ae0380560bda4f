from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.backlog.models import MAX_NUMBER, BacklogItem
from apps.reports import cadence, figures
from apps.reports.models import Audience, HappinessReport, Survey, SurveyRound


class SurveySerializer(serializers.ModelSerializer):
    every_weeks = serializers.SerializerMethodField(help_text="The cadence, when it is a whole number of weeks.")
    schedule = serializers.SerializerMethodField(help_text="The cadence in words, as beat will run it.")
    scheduled = serializers.SerializerMethodField(help_text="False while the schedule is paused.")

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "audience",
            "capabilities",
            "open_days",
            "reminder_days_before_close",
            "min_responses",
            "every_weeks",
            "schedule",
            "scheduled",
            "version",
            "created_at",
        ]

    def get_every_weeks(self, survey) -> int | None:
        return cadence.every_weeks(survey)

    def get_schedule(self, survey) -> str:
        return cadence.describe(survey)

    def get_scheduled(self, survey) -> bool:
        return bool(survey.schedule and survey.schedule.enabled)


class SurveyInputSerializer(serializers.Serializer):
    """Creating needs the cadence and first opening; an update sends `version`
    and only the fields it changes."""

    title = serializers.CharField(max_length=120)
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.EVERYONE)
    capabilities = serializers.ListField(child=serializers.CharField(max_length=60), max_length=20, default=list)
    every_weeks = serializers.IntegerField(min_value=1, max_value=52)
    first_opening = serializers.DateTimeField()
    open_days = serializers.IntegerField(min_value=1, max_value=60, default=14)
    reminder_days_before_close = serializers.IntegerField(min_value=1, max_value=30, default=3)
    min_responses = serializers.IntegerField(min_value=3, max_value=100, default=5)
    enabled = serializers.BooleanField(default=True)


class SurveyUpdateSerializer(SurveyInputSerializer):
    version = serializers.IntegerField(help_text="The version you edited; a stale one answers 409.")


class SurveyRoundSerializer(serializers.ModelSerializer):
    response_count = serializers.IntegerField(
        read_only=True,
        help_text="How many answered: exact once the round has closed; while it is open, rounded down to a "
        "multiple of the survey's minimum of responses (0: fewer than the minimum so far), so that no single "
        "answer can be timed.",
    )
    response_count_exact = serializers.SerializerMethodField(
        help_text="False while the round is open (response_count is rounded down then)."
    )
    has_report = serializers.BooleanField(read_only=True)

    class Meta:
        model = SurveyRound
        fields = [
            "id",
            "survey",
            "number",
            "status",
            "opened_at",
            "closes_at",
            "closed_at",
            "reminder_sent_at",
            "invited_count",
            "response_count",
            "response_count_exact",
            "has_report",
        ]

    def get_response_count_exact(self, round_) -> bool:
        return not round_.is_open


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = BacklogItem
        fields = ["number", "title", "status"]


class HappinessReportSummarySerializer(serializers.ModelSerializer):
    survey = serializers.IntegerField(source="round.survey_id", read_only=True)
    round_number = serializers.IntegerField(source="round.number", read_only=True)
    responses = serializers.SerializerMethodField()
    response_rate = serializers.SerializerMethodField()
    happiness_mean = serializers.SerializerMethodField(help_text="Absent (null) below the minimum of responses.")
    nps = serializers.SerializerMethodField(help_text="Absent (null) below the minimum of responses.")

    class Meta:
        model = HappinessReport
        fields = ["id", "survey", "round", "round_number", "version", "built_at", "responses", "response_rate"] + [
            "happiness_mean",
            "nps",
        ]

    def get_responses(self, report) -> int:
        return report.figures["responses"]

    def get_response_rate(self, report) -> float:
        return report.figures["response_rate"]

    def get_happiness_mean(self, report) -> float | None:
        return figures.headline(report.figures["overall"]).happiness

    def get_nps(self, report) -> float | None:
        return figures.headline(report.figures["overall"]).nps


class HappinessReportSerializer(HappinessReportSummarySerializer):
    figures = serializers.SerializerMethodField(
        help_text="The snapshot: slices below the minimum of responses carry no figures."
    )
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta(HappinessReportSummarySerializer.Meta):
        fields = [
            *HappinessReportSummarySerializer.Meta.fields,
            "figures",
            "action_note",
            "action_items",
            "actions_version",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_figures(self, report):
        return report.figures


class ReportActionsSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, required=False, default="")
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_NUMBER), default=list, max_length=100
    )
    actions_version = serializers.IntegerField(help_text="The version you edited; a stale one answers 409.")


class SubscriptionSerializer(serializers.Serializer):
    subscribed = serializers.BooleanField()
