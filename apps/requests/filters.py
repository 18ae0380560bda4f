"""Filters for request lists, shared by the pages and the API. They only ever
narrow a queryset that already holds just what the person may see."""

from datetime import datetime, time

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from apps.accounts.permissions import Action
from apps.products.access import products_where
from apps.requests import sla
from apps.requests.models import DEFAULT_RESPONSE_TARGET_DAYS, StakeholderRequest


def choice_of(anything: str, yes: str, no: str) -> forms.Select:
    """A yes/no filter's select in the page's words (instead of Unknown/Yes/No)."""
    return forms.Select(choices=[("", anything), ("true", yes), ("false", no)])


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=StakeholderRequest.Status.choices, empty_label="Any status")
    urgency = django_filters.ChoiceFilter(choices=StakeholderRequest.Urgency.choices, empty_label="Any urgency")
    requester = django_filters.CharFilter(field_name="requester__username", label="Requester (username)")
    mine = django_filters.BooleanFilter(
        method="filter_mine", label="Raised by", widget=choice_of("Anyone", "Me", "Others")
    )
    watching = django_filters.BooleanFilter(
        method="filter_watching", label="Watched by me", widget=choice_of("Either", "Yes", "No")
    )
    q = django_filters.CharFilter(method="filter_text", label="Search")

    class Meta:
        model = StakeholderRequest
        fields = ["status", "urgency", "requester", "mine", "watching", "q"]

    def filter_mine(self, queryset, name, value):
        condition = Q(requester=self.request.user)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_watching(self, queryset, name, value):
        condition = Q(watchers__user=self.request.user)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(problem__icontains=value))


class InboxFilter(django_filters.FilterSet):
    product = django_filters.ModelChoiceFilter(
        queryset=lambda request: products_where(request.user, Action.VIEW_TRIAGE_INBOX) if request else None,
        to_field_name="slug",
        empty_label="All my products",
    )
    urgency = django_filters.ChoiceFilter(choices=StakeholderRequest.Urgency.choices, empty_label="Any urgency")
    requester = django_filters.CharFilter(field_name="requester__username", label="Requester (username)")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Service level", widget=choice_of("Any", "Overdue", "Within target")
    )

    class Meta:
        model = StakeholderRequest
        fields = ["product", "urgency", "requester", "overdue"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        late = Q(pk__in=[])
        for product_id, target in _targets(queryset):
            cutoff = timezone.make_aware(datetime.combine(sla.on_time_since(today, target), time.min))
            late |= Q(product_id=product_id, created_at__lt=cutoff)
        return queryset.filter(late) if value else queryset.exclude(late)


def _targets(queryset) -> list[tuple[int, int]]:
    """Each product in the queryset with its response target, in one query."""
    rows = queryset.order_by().values_list("product_id", "product__triage_settings__response_target_days").distinct()
    return [(product_id, target or DEFAULT_RESPONSE_TARGET_DAYS) for product_id, target in rows]
