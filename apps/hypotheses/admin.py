from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from apps.hypotheses.models import (
    Assumption,
    Experiment,
    FeasibilityAssessment,
    GateResult,
    Hypothesis,
    HypothesisItem,
    HypothesisRequest,
    LearningEntry,
    ModelVersion,
    ReleaseGate,
)


@admin.register(Assumption)
class AssumptionAdmin(admin.ModelAdmin):
    list_display = ["text", "product", "sprint", "hypothesis", "category", "status", "checked_at"]
    list_filter = ["status", "category", "product"]
    search_fields = ["text", "outcome_note"]
    raw_id_fields = ["sprint", "hypothesis", "follow_up_items"]
    readonly_fields = ["status", "checked_at", "checked_by", "version"]


class HypothesisItemInline(admin.TabularInline):
    model = HypothesisItem
    extra = 0
    raw_id_fields = ["item", "created_by"]


class HypothesisRequestInline(admin.TabularInline):
    model = HypothesisRequest
    extra = 0
    raw_id_fields = ["request", "created_by"]


@admin.register(Hypothesis)
class HypothesisAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "product", "status", "metric", "target", "target_date", "owner", "published_at"]
    list_filter = ["status", "product"]
    search_fields = ["change", "audience", "outcome", "metric_text"]
    raw_id_fields = ["metric", "owner", "proposed_by", "created_by", "published_by"]
    readonly_fields = ["concluded_at", "version", "created_at", "updated_at"]
    list_select_related = ["product", "metric", "owner"]
    inlines = [HypothesisItemInline, HypothesisRequestInline]


@admin.register(Experiment)
class ExperimentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "hypothesis", "method", "status", "observed_value", "proposed_status", "concluded_at"]
    list_filter = ["method", "status", "proposed_status", "product"]
    search_fields = ["title", "design_notes", "conclusion"]
    raw_id_fields = ["hypothesis", "sprint", "created_by", "concluded_by"]
    readonly_fields = ["version", "created_at"]
    list_select_related = ["hypothesis"]


@admin.register(LearningEntry)
class LearningEntryAdmin(admin.ModelAdmin):
    list_display = ["happened_at", "hypothesis", "kind", "status", "actor"]
    list_filter = ["kind", "status", "product"]
    search_fields = ["believed", "ran", "learned", "next_step"]
    raw_id_fields = ["hypothesis", "experiment", "actor"]
    date_hierarchy = "happened_at"
    list_select_related = ["hypothesis", "actor"]


@admin.register(FeasibilityAssessment)
class FeasibilityAssessmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "product", "data_availability", "data_quality", "decision", "decided_on"]
    list_filter = ["decision", "data_availability", "data_quality", "product"]
    raw_id_fields = ["epic", "hypothesis", "blockers", "created_by", "decided_by"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(ReleaseGate)
class ReleaseGateAdmin(admin.ModelAdmin):
    list_display = ["name", "product", "required", "position", "archived_at"]
    list_filter = ["required", "product"]
    search_fields = ["name"]
    readonly_fields = ["version"]


class GateResultInline(admin.TabularInline):
    model = GateResult
    extra = 0
    raw_id_fields = ["gate", "recorded_by"]
    readonly_fields = ["version"]


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "product", "item", "status", "registered_at", "signed_off_by", "signed_off_at"]
    list_filter = ["status", "product"]
    search_fields = ["name", "notes"]
    raw_id_fields = ["item", "registered_by", "signed_off_by"]
    readonly_fields = ["version", "registered_at"]
    inlines = [GateResultInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(GateResult)
class GateResultAdmin(SimpleHistoryAdmin):
    list_display = ["model_version", "gate", "result", "recorded_by", "recorded_at"]
    list_filter = ["result"]
    raw_id_fields = ["model_version", "gate", "recorded_by"]
    readonly_fields = ["version"]
