import django_filters

from apps.sprints.models import Sprint, SprintItem


class SprintFilter(django_filters.FilterSet):
    starts_after = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    ends_before = django_filters.DateFilter(field_name="end_date", lookup_expr="lte")

    class Meta:
        model = Sprint
        fields = ["status", "kind"]


class SprintItemFilter(django_filters.FilterSet):
    # A plain number: a choice filter (over every stage) would tell other products' stage ids apart.
    stage = django_filters.NumberFilter(field_name="stage__pk")

    class Meta:
        model = SprintItem
        fields = ["outcome", "stage", "committed"]
