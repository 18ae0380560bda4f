import django_filters

from apps.products.models import MetricReading


class ReadingFilter(django_filters.FilterSet):
    """Readings of one metric by day and source (the API's list)."""

    measured_after = django_filters.DateFilter(
        field_name="measured_on", lookup_expr="gte", label="Measured on or after"
    )
    measured_before = django_filters.DateFilter(
        field_name="measured_on", lookup_expr="lte", label="Measured on or before"
    )

    class Meta:
        model = MetricReading
        fields = ["source", "measured_after", "measured_before"]
