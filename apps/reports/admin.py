"""Admin for surveys and reports, built so that a staff user cannot tell who
gave which answer:
- answers exist only for closed rounds that reached the survey's minimum
  (services._release); they are read-only, show no person and no audience
  group, and cannot be filtered, searched or sorted by anything that follows
  the order answers came in;
- invitations show who answered, but cannot be filtered by audience group,
  and answers carry no group here, so "who in group G answered" can never be
  put next to "what group G answered";
- personal links and sealed ballots are not in the admin at all.
Deleting a survey also deletes its schedule entry (services.survey_delete)."""

from django.contrib import admin

from apps.reports import services
from apps.reports.models import HappinessReport, Invitation, ReportSubscription, Survey, SurveyAnswer, SurveyRound


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "audience", "schedule", "min_responses"]
    list_filter = ["audience"]
    search_fields = ["title", "product__name"]
    raw_id_fields = ["product", "created_by"]
    readonly_fields = ["version", "created_at"]

    def delete_model(self, request, obj):
        services.survey_delete(actor=request.user, survey=obj)

    def delete_queryset(self, request, queryset):
        for survey in queryset:
            services.survey_delete(actor=request.user, survey=survey)


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["survey", "number", "status", "opened_at", "closes_at", "invited_count"]
    list_filter = ["status"]
    readonly_fields = ["survey", "number", "opened_at", "invited_count", "closed_at", "reminder_sent_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["person", "round", "group", "sent", "reminded", "answered"]
    # No group filter: with it, "who in a small group answered" is one click away.
    list_filter = ["answered"]

    def lookup_allowed(self, lookup, value, request=None):
        return "group" not in lookup and super().lookup_allowed(lookup, value, request)

    search_fields = ["person__username", "person__email"]
    readonly_fields = ["round", "person", "group", "sent", "reminded", "answered"]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(admin.ModelAdmin):
    # No audience group anywhere (column, filter or form): see the module's docstring.
    list_display = ["round", "happiness", "recommend"]
    fields = readonly_fields = ("round", "happiness", "recommend", "capabilities", "liked", "improve")
    # Ordered by the random key: the list must not reveal the order of answers.
    ordering = ["round", "id"]
    show_full_result_count = False

    def lookup_allowed(self, lookup, value, request=None):
        # The admin would filter by any local field given in the URL (?group=team).
        return "group" not in lookup and super().lookup_allowed(lookup, value, request)

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
