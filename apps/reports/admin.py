"""Admin for surveys and reports. Answers are read-only, show no person and
cannot be searched or sorted by anything that follows the order answers came
in; invitations show who answered but not what (there is no link to follow)."""

from django.contrib import admin

from apps.reports.models import HappinessReport, Invitation, ReportSubscription, Survey, SurveyAnswer, SurveyRound


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "audience", "schedule", "min_responses"]
    list_filter = ["audience"]
    search_fields = ["title", "product__name"]
    raw_id_fields = ["product", "created_by"]
    readonly_fields = ["version", "created_at"]


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["survey", "number", "status", "opened_at", "closes_at", "invited_count"]
    list_filter = ["status"]
    readonly_fields = ["survey", "number", "opened_at", "invited_count", "closed_at", "reminder_sent_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["person", "round", "group", "sent", "reminded", "answered"]
    list_filter = ["answered", "group"]
    search_fields = ["person__username", "person__email"]
    readonly_fields = ["round", "person", "group", "sent", "reminded", "answered"]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(admin.ModelAdmin):
    list_display = ["round", "group", "happiness", "recommend"]
    list_filter = ["group"]
    # Ordered by the random key: the list must not reveal the order of answers.
    ordering = ["round", "id"]
    readonly_fields = ["round", "group", "happiness", "recommend", "capabilities", "liked", "improve"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HappinessReport)
class HappinessReportAdmin(admin.ModelAdmin):
    list_display = ["round", "version", "emailed_version", "built_at"]
    readonly_fields = ["round", "figures", "version", "emailed_version", "built_at"]
    raw_id_fields = ["action_items"]


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["person", "product", "created_at"]
    raw_id_fields = ["person", "product"]
