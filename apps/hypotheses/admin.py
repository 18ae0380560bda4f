from django.contrib import admin

from apps.hypotheses.models import Assumption


@admin.register(Assumption)
class AssumptionAdmin(admin.ModelAdmin):
    list_display = ["text", "product", "sprint", "category", "status", "checked_at"]
    list_filter = ["status", "category", "product"]
    search_fields = ["text", "outcome_note"]
    raw_id_fields = ["sprint", "follow_up_items"]
    readonly_fields = ["status", "checked_at", "checked_by", "version"]
