from django.contrib import admin

from apps.products.models import OutcomeMetric, Product


class OutcomeMetricInline(admin.TabularInline):
    model = OutcomeMetric
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OutcomeMetricInline]
