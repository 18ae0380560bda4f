from django.contrib import admin

from apps.products.models import MetricReading, OutcomeMetric, Product


class OutcomeMetricInline(admin.TabularInline):
    model = OutcomeMetric
    extra = 0
    readonly_fields = ["current", "current_on", "version"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OutcomeMetricInline]


@admin.register(OutcomeMetric)
class OutcomeMetricAdmin(admin.ModelAdmin):
    list_display = ["name", "product", "unit", "direction", "baseline", "target", "current", "current_on"]
    list_filter = ["direction", "product"]
    search_fields = ["name", "product__name"]
    readonly_fields = ["current", "current_on", "version"]


@admin.register(MetricReading)
class MetricReadingAdmin(admin.ModelAdmin):
    list_display = ["metric", "measured_on", "value", "source", "recorded_by", "token_name", "recorded_at"]
    list_filter = ["source", "metric__product"]
    search_fields = ["metric__name", "token_name"]
    date_hierarchy = "measured_on"
    raw_id_fields = ["metric", "recorded_by", "token"]
    list_select_related = ["metric", "recorded_by"]
