from django.contrib import admin

from apps.sprints.models import (
    ExitCriterion,
    PersonCapacity,
    Sprint,
    SprintItem,
    SprintSettings,
    SprintStage,
    StageTemplate,
)


class SprintStageInline(admin.TabularInline):
    model = SprintStage
    extra = 0
    fields = ["position", "name", "start_date", "end_date", "closed_at", "override_reason"]
    readonly_fields = ["closed_at", "override_reason"]


class PersonCapacityInline(admin.TabularInline):
    model = PersonCapacity
    extra = 0


@admin.register(Sprint)
class SprintAdmin(admin.ModelAdmin):
    """Read-mostly: sprints change through the portal so their rules and frozen figures hold."""

    list_display = [
        "name",
        "product",
        "kind",
        "status",
        "start_date",
        "end_date",
        "committed_points",
        "completed_points",
    ]
    list_filter = ["status", "kind", "product"]
    search_fields = ["name", "goal"]
    readonly_fields = [
        "status",
        "started_at",
        "closed_at",
        "closed_by",
        "committed_points",
        "added_points",
        "removed_points",
        "completed_points",
        "completed_committed_points",
        "carried_over_points",
        "dropped_points",
        "burndown",
        "version",
    ]
    inlines = [SprintStageInline, PersonCapacityInline]

    def get_readonly_fields(self, request, obj=None):
        # The kind is chosen when a sprint is made (a staged one gets its stages then), as in sprint_update.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "kind"] if obj is not None else fields


@admin.register(SprintItem)
class SprintItemAdmin(admin.ModelAdmin):
    list_display = ["item", "sprint", "stage", "points", "committed", "outcome"]
    list_filter = ["outcome", "committed"]
    list_select_related = ["item", "sprint", "stage"]
    raw_id_fields = ["item", "sprint", "stage", "carried_from"]
    readonly_fields = ["outcome", "committed", "points", "added_at", "added_by", "carried_from"]


@admin.register(ExitCriterion)
class ExitCriterionAdmin(admin.ModelAdmin):
    list_display = ["text", "stage", "met"]
    raw_id_fields = ["stage"]


@admin.register(StageTemplate)
class StageTemplateAdmin(admin.ModelAdmin):
    list_display = ["product", "position", "name", "days"]
    list_filter = ["product"]


@admin.register(SprintSettings)
class SprintSettingsAdmin(admin.ModelAdmin):
    list_display = ["product", "allow_parallel_sprints"]
