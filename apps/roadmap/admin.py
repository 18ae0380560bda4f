from django.contrib import admin

from apps.roadmap.models import FeedToken, Forecast, Milestone, RoadmapItem


@admin.register(RoadmapItem)
class RoadmapItemAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "horizon", "status", "target_date", "target_quarter", "shared"]
    list_filter = ["horizon", "status", "shared", "product"]
    search_fields = ["title"]
    raw_id_fields = ["epics", "backlog_items", "requests", "hypotheses", "outcome_metric"]
    readonly_fields = ["rank", "version", "created_at", "updated_at"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "date", "shared", "reached_at"]
    list_filter = ["shared", "product"]
    raw_id_fields = ["roadmap_item", "sprint"]


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    list_display = ["__str__", "product", "outcome", "p50", "p85", "p95", "computed_at", "flagged"]
    list_filter = ["outcome", "flagged"]
    readonly_fields = [field.name for field in Forecast._meta.fields]


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "product", "created_at", "revoked_at"]
    # Only a digest is stored: the admin can revoke an address, never read one.
    readonly_fields = ["digest", "created_at"]
