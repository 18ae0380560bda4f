import django_filters

from apps.delivery.models import DeliveryReport


class DeliveryReportFilter(django_filters.FilterSet):
    ends_after = django_filters.DateFilter(field_name="end", lookup_expr="gte", label="Period ends on or after")
    starts_before = django_filters.DateFilter(field_name="start", lookup_expr="lte", label="Period starts on or before")
    published = django_filters.BooleanFilter(field_name="published_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = DeliveryReport
        fields = ["period", "ends_after", "starts_before", "published"]
