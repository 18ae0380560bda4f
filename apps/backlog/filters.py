"""One FilterSet for the backlog page, its CSV export and the API, so a URL's
filters mean the same everywhere. Querysets are already limited to one
product, so labels, epics and people are matched by name/number within it."""

import django_filters
from django.db.models import Exists, Q

from apps.backlog import selectors
from apps.backlog.models import BacklogItem

UNASSIGNED = "none"
# The query parameters that filter the backlog, everywhere.
FILTER_KEYS = ["q", "kind", "status", "label", "assignee", "epic", "blocked", "uncertain"]


class BacklogItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=200)
    kind = django_filters.MultipleChoiceFilter(choices=BacklogItem.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=BacklogItem.Status.choices)
    label = django_filters.CharFilter(method="filter_label", label="Label", max_length=40)
    assignee = django_filters.CharFilter(
        method="filter_assignee", label="Assignee", help_text=f"Username, or “{UNASSIGNED}” for unassigned items."
    )
    epic = django_filters.NumberFilter(field_name="parent__number", label="Epic", min_value=1)
    blocked = django_filters.BooleanFilter(method="filter_blocked", label="Blocked")
    uncertain = django_filters.BooleanFilter(method="filter_uncertain", label="Highly uncertain")

    class Meta:
        model = BacklogItem
        fields = FILTER_KEYS

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if value.lstrip("#").isdecimal():
            return queryset.filter(Q(number=int(value.lstrip("#"))) | Q(title__icontains=value))
        return queryset.filter(title__icontains=value)

    def filter_label(self, queryset, name, value):
        # An IN subquery rather than a join (an item never appears twice) or a
        # correlated EXISTS (evaluated once per row when the page counts).
        labelled = BacklogItem.labels.through.objects.filter(label__name__iexact=value).values("backlogitem_id")
        return queryset.filter(pk__in=labelled)

    def filter_assignee(self, queryset, name, value):
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee__username=value)

    def filter_blocked(self, queryset, name, value):
        return queryset.filter(Exists(selectors.open_blockers) if value else ~Exists(selectors.open_blockers))

    def filter_uncertain(self, queryset, name, value):
        queryset = selectors.with_uncertainty(queryset)
        return queryset.filter(selectors.HIGHLY_UNCERTAIN if value else ~selectors.HIGHLY_UNCERTAIN)
