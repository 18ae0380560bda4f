import django_filters

from apps.reports.models import HappinessReport, SurveyRound


class SurveyRoundFilter(django_filters.FilterSet):
    # A plain number: a choice filter would tell other products' survey ids apart.
    survey = django_filters.NumberFilter(field_name="survey__pk")

    class Meta:
        model = SurveyRound
        fields = ["survey", "status"]


class HappinessReportFilter(django_filters.FilterSet):
    survey = django_filters.NumberFilter(field_name="round__survey__pk")

    class Meta:
        model = HappinessReport
        fields = ["survey"]
