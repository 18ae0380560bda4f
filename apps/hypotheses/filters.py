"""One FilterSet per list, shared by its page, its export and the API, so a
URL's filters mean the same everywhere. Querysets come already limited to
what the viewer may see (apps.hypotheses.access); these only narrow them."""

import django_filters
from django import forms
from django.db.models import Q

from apps.hypotheses.models import Assumption, Experiment, Hypothesis, LearningEntry, ModelVersion

NOBODY = "none"
# The query parameters that filter the ledger and the learning log, everywhere.
LEDGER_FILTER_KEYS = ["q", "status", "owner", "metric", "due_after", "due_before", "published"]
LEARNING_FILTER_KEYS = ["q", "kind", "status", "after", "before"]


def _reference(value: str) -> int | None:
    """7 from "H-7", "h7" or "7"; None when the text names no hypothesis."""
    text = value.strip().upper().removeprefix("H").removeprefix("-")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


class HypothesisFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=200)
    status = django_filters.MultipleChoiceFilter(choices=Hypothesis.Status.choices)
    owner = django_filters.CharFilter(
        method="filter_owner", label="Owner", help_text=f"Username, or “{NOBODY}” for hypotheses without one."
    )
    # A plain number: a choice over every metric would tell other products' metric ids apart.
    metric = django_filters.NumberFilter(field_name="metric_id", label="Metric", min_value=1)
    due_after = django_filters.DateFilter(field_name="target_date", lookup_expr="gte", label="Due on or after")
    due_before = django_filters.DateFilter(field_name="target_date", lookup_expr="lte", label="Due on or before")
    published = django_filters.BooleanFilter(method="filter_published", label="Published to stakeholders")

    class Meta:
        model = Hypothesis
        fields = LEDGER_FILTER_KEYS

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        if product is not None:
            # The page shows the product's metrics to choose from; the value stays a number.
            choices = [("", "Any metric"), *((m.pk, m.name) for m in product.outcome_metrics.order_by("name"))]
            self.form.fields["metric"].widget = forms.Select(choices=choices)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        text = (
            Q(change__icontains=value)
            | Q(audience__icontains=value)
            | Q(outcome__icontains=value)
            | Q(metric_text__icontains=value)
            | Q(metric__name__icontains=value)
        )
        number = _reference(value)
        return queryset.filter(text | Q(number=number) if number is not None else text)

    def filter_owner(self, queryset, name, value):
        if value == NOBODY:
            return queryset.filter(owner__isnull=True)
        return queryset.filter(owner__username=value)

    def filter_published(self, queryset, name, value):
        return queryset.filter(published_at__isnull=not value)


class LearningFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=200)
    kind = django_filters.ChoiceFilter(choices=LearningEntry.Kind.choices, empty_label="Decisions and experiments")
    status = django_filters.ChoiceFilter(choices=Hypothesis.Status.choices, empty_label="Any outcome")
    after = django_filters.DateFilter(field_name="happened_at__date", lookup_expr="gte", label="From")
    before = django_filters.DateFilter(field_name="happened_at__date", lookup_expr="lte", label="To")

    class Meta:
        model = LearningEntry
        fields = LEARNING_FILTER_KEYS

    def filter_text(self, queryset, name, value):
        value = value.strip()
        text = (
            Q(believed__icontains=value)
            | Q(ran__icontains=value)
            | Q(learned__icontains=value)
            | Q(next_step__icontains=value)
        )
        number = _reference(value)
        return queryset.filter(text | Q(hypothesis__number=number) if number is not None else text)


class ExperimentFilter(django_filters.FilterSet):
    hypothesis = django_filters.NumberFilter(field_name="hypothesis__number", label="Hypothesis number", min_value=1)
    sprint = django_filters.NumberFilter(field_name="sprint_id", min_value=1)
    concluded_after = django_filters.DateFilter(field_name="concluded_at__date", lookup_expr="gte")

    class Meta:
        model = Experiment
        fields = ["hypothesis", "method", "status", "sprint", "proposed_status", "concluded_after"]


class AssumptionFilter(django_filters.FilterSet):
    # Plain numbers: a choice filter (over every sprint) would tell other products' sprint ids apart.
    sprint = django_filters.NumberFilter(field_name="sprint__pk")
    hypothesis = django_filters.NumberFilter(field_name="hypothesis__number", label="Hypothesis number")

    class Meta:
        model = Assumption
        fields = ["sprint", "hypothesis", "status", "category"]


class ModelVersionFilter(django_filters.FilterSet):
    item = django_filters.NumberFilter(field_name="item__number", label="Backlog item number", min_value=1)

    class Meta:
        model = ModelVersion
        fields = ["item", "status"]
