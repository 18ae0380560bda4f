"""Read-mostly admin: retrospectives change through the portal so their rules
hold. Anonymity holds here too: an anonymous card has no author to show,
its writer tag is never displayed, health answers carry no person and no
time, and the marks of who answered have no link to any answer."""

from django.contrib import admin

from apps.retros.models import (
    ActionItem,
    Card,
    Column,
    HealthAnswer,
    HealthCheck,
    HealthDimension,
    RetroFormat,
    RetroSettings,
    Retrospective,
    SummaryEmail,
    Theme,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ColumnInline(admin.TabularInline):
    model = Column
    extra = 0
    fields = ("position", "title", "prompt")
    readonly_fields = ("position", "title", "prompt")
    can_delete = False


@admin.register(Retrospective)
class RetrospectiveAdmin(ReadOnly):
    list_display = ["title", "product", "sprint", "phase", "facilitator", "created_at", "closed_at"]
    list_filter = ["phase", "product"]
    search_fields = ["title"]
    inlines = [ColumnInline]
    exclude = ["board_version"]


@admin.register(Card)
class CardAdmin(ReadOnly):
    list_display = ["text", "retro", "column", "theme", "anonymous", "author"]
    list_filter = ["anonymous", "retro__product"]
    fields = ["retro", "column", "theme", "text", "anonymous", "author"]
    list_select_related = ["retro", "column", "theme", "author"]


@admin.register(Theme)
class ThemeAdmin(ReadOnly):
    list_display = ["title", "retro", "solo", "discussed"]
    list_select_related = ["retro"]


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnly):
    list_display = ["text", "retro", "owner", "due_date", "status", "backlog_item"]
    list_filter = ["status", "retro__product"]
    list_select_related = ["retro", "owner", "backlog_item"]


@admin.register(HealthCheck)
class HealthCheckAdmin(ReadOnly):
    list_display = ["retro", "status", "responses", "min_answers", "closed_at"]
    list_select_related = ["retro"]


@admin.register(HealthAnswer)
class HealthAnswerAdmin(ReadOnly):
    list_display = ["dimension_name", "rating", "health_check"]
    list_filter = ["rating"]


@admin.register(HealthDimension)
class HealthDimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "product", "position", "active"]
    list_filter = ["product", "active"]


@admin.register(RetroFormat)
class RetroFormatAdmin(admin.ModelAdmin):
    list_display = ["name", "product"]


@admin.register(RetroSettings)
class RetroSettingsAdmin(admin.ModelAdmin):
    list_display = ["product", "votes_per_person", "several_votes_per_theme", "health_min_answers"]


@admin.register(SummaryEmail)
class SummaryEmailAdmin(ReadOnly):
    list_display = ["retro", "recipient", "created_at", "sent_at"]
    list_select_related = ["retro", "recipient"]
