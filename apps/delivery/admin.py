from django.contrib import admin

from apps.delivery.models import DeliveryEmail, DeliveryReport, DeliverySettings, DeliverySubscription


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(admin.ModelAdmin):
    list_display = ["product", "after_sprint_close", "schedule"]
    list_select_related = ["product", "schedule"]
    raw_id_fields = ["product", "schedule"]


@admin.register(DeliveryReport)
class DeliveryReportAdmin(admin.ModelAdmin):
    list_display = ["product", "period", "start", "end", "version", "emailed_version", "published_at", "built_at"]
    list_filter = ["period"]
    list_select_related = ["product"]
    readonly_fields = ["figures", "summary", "built_at", "version", "emailed_version"]
    raw_id_fields = ["product", "sprint", "published_by"]
    search_fields = ["product__name"]


@admin.register(DeliverySubscription)
class DeliverySubscriptionAdmin(admin.ModelAdmin):
    list_display = ["product", "person", "created_at"]
    raw_id_fields = ["product", "person"]


@admin.register(DeliveryEmail)
class DeliveryEmailAdmin(admin.ModelAdmin):
    list_display = ["report", "version", "person", "created_at", "sent_at"]
    raw_id_fields = ["report", "person"]
