import django_filters

from apps.notifications.kinds import KIND_CHOICES
from apps.notifications.models import Notification


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="Only unread (true) or read (false)"
    )
    kind = django_filters.ChoiceFilter(choices=KIND_CHOICES)
    product = django_filters.CharFilter(field_name="product__slug", label="Product (slug)")

    class Meta:
        model = Notification
        fields = ["unread", "kind", "product"]
