"""One FilterSet for the roadmap API and its export; querysets arrive already
limited by apps.roadmap.access.visible_items."""

import django_filters
from django.db.models import Q

from apps.roadmap.models import Horizon, Milestone, RoadmapItem


class RoadmapItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=200)
    horizon = django_filters.MultipleChoiceFilter(choices=Horizon.choices)
    status = django_filters.MultipleChoiceFilter(choices=RoadmapItem.Status.choices)
    shared = django_filters.BooleanFilter()
    target_after = django_filters.DateFilter(field_name="target_date", lookup_expr="gte", label="Target on or after")
    target_before = django_filters.DateFilter(field_name="target_date", lookup_expr="lte", label="Target on or before")

    class Meta:
        model = RoadmapItem
        fields = ["q", "horizon", "status", "shared", "target_after", "target_before"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(public_description__icontains=value))


class MilestoneFilter(django_filters.FilterSet):
    after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="On or after")
    before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="On or before")
    roadmap_item = django_filters.NumberFilter(field_name="roadmap_item_id", label="Roadmap item id")

    class Meta:
        model = Milestone
        fields = ["after", "before", "roadmap_item", "shared"]
