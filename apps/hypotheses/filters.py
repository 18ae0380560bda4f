import django_filters

from apps.hypotheses.models import Assumption


class AssumptionFilter(django_filters.FilterSet):
    class Meta:
        model = Assumption
        fields = ["sprint", "status", "category"]
