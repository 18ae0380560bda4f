from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.backlog.models import AcceptanceCriterion, BacklogItem, Blocker, Label


class AcceptanceCriterionInline(admin.TabularInline):
    model = AcceptanceCriterion
    extra = 0


class BlockerInline(admin.TabularInline):
    model = Blocker
    extra = 0
    raw_id_fields = ["created_by", "resolved_by"]


@admin.register(BacklogItem)
class BacklogItemAdmin(SimpleHistoryAdmin):
    """For operators: rank and version are read-only here; the backlog pages
    and the API change them through the services."""

    list_display = ["number", "title", "product", "kind", "status", "assignee", "story_points"]
    list_filter = ["product", "kind", "status"]
    search_fields = ["title"]
    raw_id_fields = ["parent", "assignee", "created_by"]
    readonly_fields = ["rank", "version", "created_at", "updated_at", "done_at"]
    inlines = [AcceptanceCriterionInline, BlockerInline]
    list_select_related = ["product", "assignee"]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "product", "color"]
    list_filter = ["product"]
