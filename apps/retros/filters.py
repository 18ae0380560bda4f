"""Filters for retrospective lists, shared by the pages and the API. They only
ever narrow a queryset that already holds just what the person may see."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from apps.retros.models import ActionItem, Card, Phase, Retrospective, Theme


def choice_of(anything: str, yes: str, no: str) -> forms.Select:
    return forms.Select(choices=[("", anything), ("true", yes), ("false", no)])


class RetroFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(choices=Phase.choices, empty_label="Any phase")
    sprint = django_filters.NumberFilter(field_name="sprint_id", label="Sprint id")
    open = django_filters.BooleanFilter(method="filter_open", label="Open", widget=choice_of("Any", "Open", "Closed"))

    class Meta:
        model = Retrospective
        fields = ["phase", "sprint", "open"]

    def filter_open(self, queryset, name, value):
        condition = Q(phase=Phase.CLOSED)
        return queryset.exclude(condition) if value else queryset.filter(condition)


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ActionItem.Status.choices, empty_label="Any status")
    owner = django_filters.CharFilter(field_name="owner__username", label="Owner (username)")
    mine = django_filters.BooleanFilter(method="filter_mine", label="Owner", widget=choice_of("Anyone", "Me", "Others"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Overdue", widget=choice_of("Either", "Overdue", "Not overdue")
    )
    retro = django_filters.NumberFilter(field_name="retro_id", label="Retrospective id")
    in_backlog = django_filters.BooleanFilter(
        field_name="backlog_item",
        lookup_expr="isnull",
        exclude=True,
        label="In the backlog",
        widget=choice_of("Either", "Yes", "No"),
    )

    class Meta:
        model = ActionItem
        fields = ["status", "owner", "mine", "overdue", "retro", "in_backlog"]

    def filter_mine(self, queryset, name, value):
        condition = Q(owner=self.request.user) if self.request else Q(pk__in=[])
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_overdue(self, queryset, name, value):
        condition = Q(status=ActionItem.Status.OPEN, due_date__lt=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class CardFilter(django_filters.FilterSet):
    column = django_filters.NumberFilter(field_name="column_id", label="Column id")
    theme = django_filters.NumberFilter(field_name="theme_id", label="Theme id")
    anonymous = django_filters.BooleanFilter()

    class Meta:
        model = Card
        fields = ["column", "theme", "anonymous"]


class ThemeFilter(django_filters.FilterSet):
    solo = django_filters.BooleanFilter()
    discussed = django_filters.BooleanFilter()

    class Meta:
        model = Theme
        fields = ["solo", "discussed"]
