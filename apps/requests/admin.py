"""Admin for operators: read and search requests (their
notifications are in the notifications admin).
Decisions are taken in the portal, where they notify people."""

from django.contrib import admin

from apps.requests.models import (
    Comment,
    RequestEvent,
    StakeholderRequest,
    TriageSettings,
)


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = readonly_fields = ("author", "internal", "body", "created_at")


class EventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    fields = readonly_fields = (
        "kind",
        "old_status",
        "new_status",
        "old_date",
        "new_date",
        "note",
        "actor",
        "created_at",
    )


@admin.register(StakeholderRequest)
class StakeholderRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "product", "requester", "status", "urgency", "visibility", "created_at"]
    list_filter = ["status", "urgency", "visibility", "product"]
    search_fields = ["title", "problem", "requester__username"]
    list_select_related = ["product", "requester"]
    readonly_fields = [
        "product",
        "number",
        "requester",
        "status",
        "backlog_item",
        "duplicate_of",
        "expected_delivery",
        "first_response_at",
        "decided_at",
        "delivered_at",
        "version",
    ]
    inlines = [CommentInline, EventInline]


@admin.register(TriageSettings)
class TriageSettingsAdmin(admin.ModelAdmin):
    list_display = ["product", "response_target_days"]
    list_select_related = ["product"]
