"""API shapes of the roadmap. Stakeholders get the public shape (no internal
notes, links or progress); the team gets the full one. Input and output
serializers are separate where the shapes differ."""

import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api import iso_datetime
from apps.hypotheses.models import Hypothesis
from apps.roadmap import selectors
from apps.roadmap.models import Forecast, Horizon, Milestone, RoadmapItem, quarter_end


class ForecastSerializer(serializers.ModelSerializer):
    class Meta:
        model = Forecast
        fields = [
            "outcome",
            "message",
            "computed_at",
            "start",
            "p50",
            "p85",
            "p95",
            "target",
            "chance_on_target",
            "histogram",
            "inputs",
            "previous_p85",
            "moved_days",
            "flagged",
        ]


class PublicForecastSerializer(ForecastSerializer):
    """Without the inputs: they name the team's backlog figures."""

    class Meta(ForecastSerializer.Meta):
        fields = [name for name in ForecastSerializer.Meta.fields if name != "inputs"]


class RoadmapHypothesisSerializer(serializers.ModelSerializer):
    """A hypothesis a roadmap item bets on, as its reader may see it (a stakeholder: published ones only)."""

    reference = serializers.CharField(read_only=True, help_text='"H-7".')
    statement = serializers.CharField(read_only=True, help_text="The whole statement in one sentence.")

    class Meta:
        model = Hypothesis
        fields = ["number", "reference", "statement", "status"]
        read_only_fields = fields


class PublicRoadmapItemSerializer(serializers.ModelSerializer):
    target = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The target date or the last day of the target quarter; null: none.",
    )
    forecast = serializers.SerializerMethodField()
    hypotheses = serializers.SerializerMethodField(
        help_text="Hypotheses the item bets on: the team sees every one, others the published ones."
    )

    class Meta:
        model = RoadmapItem
        fields = [
            "id",
            "title",
            "outcome",
            "horizon",
            "status",
            "start_date",
            "target_date",
            "target_quarter",
            "target",
            "public_description",
            "forecast",
            "hypotheses",
        ]

    def get_forecast(self, item) -> dict | None:
        forecast = getattr(item, "forecast", None)
        return PublicForecastSerializer(forecast).data if forecast is not None else None

    @extend_schema_field(RoadmapHypothesisSerializer(many=True))
    def get_hypotheses(self, item) -> list[dict]:
        # Prefetched through apps.roadmap.access.with_hypotheses, which filters them for the reader.
        return list(RoadmapHypothesisSerializer(getattr(item, "linked_hypotheses", []), many=True).data)


class ProgressSerializer(serializers.Serializer):
    items_done = serializers.IntegerField()
    items_total = serializers.IntegerField()
    points_done = serializers.DecimalField(max_digits=10, decimal_places=1)
    points_total = serializers.DecimalField(max_digits=10, decimal_places=1)
    percent = serializers.IntegerField()


class RoadmapItemSerializer(PublicRoadmapItemSerializer):
    epics = serializers.SerializerMethodField()
    backlog_items = serializers.SerializerMethodField()
    requests = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta(PublicRoadmapItemSerializer.Meta):
        fields = [
            *PublicRoadmapItemSerializer.Meta.fields,
            "outcome_metric",
            "rank",
            "shared",
            "internal_notes",
            "epics",
            "backlog_items",
            "requests",
            "progress",
            "created_at",
            "updated_at",
            "version",
        ]

    def get_forecast(self, item) -> dict | None:
        forecast = getattr(item, "forecast", None)
        return ForecastSerializer(forecast).data if forecast is not None else None

    def get_epics(self, item) -> list[int]:
        return [epic.number for epic in item.epics.all()]

    def get_backlog_items(self, item) -> list[int]:
        return [entry.number for entry in item.backlog_items.all()]

    def get_requests(self, item) -> list[str]:
        return [r.reference for r in item.requests.all()]

    def get_progress(self, item) -> dict | None:
        progress = getattr(item, "progress", None)
        return ProgressSerializer(progress).data if progress is not None else None


# How RoadmapItemSerializer and PublicRoadmapItemSerializer format values, done
# directly (DRF builds nested serializers per item and formats field by field):
# for the list, whose rows are rows.api_values dicts with rows.api_links.
# tests/roadmap/test_api.py pins that both agree.
_POINTS = ProgressSerializer().fields["points_done"]


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def item_list_data(row: dict, *, internal: bool, zone=None) -> dict:
    """RoadmapItemSerializer's output (PublicRoadmapItemSerializer's unless
    `internal`) for a row of rows.api_values with rows.api_links: the same
    keys, order and formats, without model objects or nested serializers."""
    zone = zone or timezone.get_current_timezone()
    data = {
        "id": row["pk"],
        "title": row["title"],
        "outcome": row["outcome"],
        "horizon": row["horizon"],
        "status": row["status"],
        "start_date": _day(row["start_date"]),
        "target_date": _day(row["target_date"]),
        "target_quarter": row["target_quarter"],
        "target": _day(row["target_date"] or quarter_end(row["target_quarter"])),
        "public_description": row["public_description"],
        "forecast": _forecast_data(row, internal=internal, zone=zone),
        "hypotheses": [
            {"number": bet.number, "reference": bet.reference, "statement": bet.statement, "status": bet.status}
            for bet in row["hypotheses"]
        ],
    }
    if not internal:
        return data
    progress = selectors.progress_of(row["work"])
    data |= {
        "outcome_metric": row["outcome_metric"],
        "rank": row["rank"],
        "shared": row["shared"],
        "internal_notes": row["internal_notes"],
        "epics": row["epics"],
        "backlog_items": row["backlog_items"],
        "requests": [f"R-{number}" for number in row["requests"]],
        "progress": {
            "items_done": progress.items_done,
            "items_total": progress.items_total,
            "points_done": _POINTS.to_representation(progress.points_done),
            "points_total": _POINTS.to_representation(progress.points_total),
            "percent": progress.percent,
        },
        "created_at": iso_datetime(row["created_at"], zone),
        "updated_at": iso_datetime(row["updated_at"], zone),
        "version": row["version"],
    }
    return data


def _forecast_data(row: dict, *, internal: bool, zone) -> dict | None:
    """ForecastSerializer's output (PublicForecastSerializer's: no inputs) of the row's forecast."""
    if row["forecast__pk"] is None:
        return None
    data = {
        "outcome": row["forecast__outcome"],
        "message": row["forecast__message"],
        "computed_at": iso_datetime(row["forecast__computed_at"], zone),
        "start": _day(row["forecast__start"]),
        "p50": _day(row["forecast__p50"]),
        "p85": _day(row["forecast__p85"]),
        "p95": _day(row["forecast__p95"]),
        "target": _day(row["forecast__target"]),
        "chance_on_target": row["forecast__chance_on_target"],
        "histogram": row["forecast__histogram"],
    }
    if internal:
        data["inputs"] = row["forecast__inputs"]
    data["previous_p85"] = _day(row["forecast__previous_p85"])
    data["moved_days"] = row["forecast__moved_days"]
    data["flagged"] = row["forecast__flagged"]
    return data


class RoadmapItemInputSerializer(serializers.Serializer):
    """What a PM sends to create or change an item; links by the numbers people see."""

    title = serializers.CharField(max_length=200, required=False)
    outcome = serializers.CharField(required=False, allow_blank=True)
    outcome_metric = serializers.IntegerField(required=False, allow_null=True, help_text="Outcome metric id.")
    horizon = serializers.ChoiceField(choices=Horizon.choices, required=False)
    status = serializers.ChoiceField(choices=RoadmapItem.Status.choices, required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    target_quarter = serializers.CharField(required=False, allow_blank=True, max_length=7)
    shared = serializers.BooleanField(required=False)
    public_description = serializers.CharField(required=False, allow_blank=True)
    internal_notes = serializers.CharField(required=False, allow_blank=True)
    epics = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, help_text="Epic numbers."
    )
    backlog_items = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, help_text="Backlog item numbers."
    )
    requests = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text='Request references, e.g. "R-7".'
    )
    hypotheses = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text='References of hypotheses of this product, e.g. "H-3" (replaces the linked ones).',
    )
    version = serializers.IntegerField(
        required=False, help_text="On edits (required there): the version you saw; a newer one answers 409."
    )


class RoadmapMoveSerializer(serializers.Serializer):
    horizon = serializers.ChoiceField(choices=Horizon.choices, required=False)
    before = serializers.IntegerField(required=False, help_text="Id of the item to go right before.")
    after = serializers.IntegerField(required=False, help_text="Id of the item to go right after.")
    to = serializers.ChoiceField(choices=["top", "bottom"], required=False, help_text="Top or bottom of the horizon.")

    def validate(self, attrs):
        if sum(name in attrs for name in ("before", "after", "to")) != 1:
            raise serializers.ValidationError("Give exactly one of before, after or to.")
        return attrs


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "date", "description", "roadmap_item", "sprint", "shared", "reached_at", "version"]
        read_only_fields = ["id", "version"]


class PublicMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "date", "description", "roadmap_item", "reached_at"]


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    date = serializers.DateField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    roadmap_item = serializers.IntegerField(required=False, allow_null=True, help_text="Roadmap item id.")
    sprint = serializers.IntegerField(required=False, allow_null=True, help_text="Sprint id.")
    shared = serializers.BooleanField(required=False)
    reached_at = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, help_text="On edits (required there): the version you saw.")


class EpicForecastSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    forecast = ForecastSerializer(allow_null=True)
