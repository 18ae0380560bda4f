import django_filters

from apps.hypotheses.models import Assumption


class AssumptionFilter(django_filters.FilterSet):
    # A plain number: a choice filter (over every sprint) would tell other products' sprint ids apart.
    sprint = django_filters.NumberFilter(field_name="sprint__pk")

    class Meta:
        model = Assumption
        fields = ["sprint", "status", "category"]
