from django.db.models import Prefetch
from rest_framework.generics import RetrieveAPIView

from apps.accounts.models import Membership, User
from apps.accounts.serializers import MeSerializer


class MeView(RetrieveAPIView):
    """The caller and their role in each of their products."""

    serializer_class = MeSerializer

    def get_object(self):
        memberships = Membership.objects.select_related("product").order_by("product__name")
        return User.objects.prefetch_related(Prefetch("memberships", queryset=memberships)).get(pk=self.request.user.pk)
