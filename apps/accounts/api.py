from django.contrib.auth import authenticate
from django.db.models import Prefetch
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from apps.accounts.models import Membership, User
from apps.accounts.serializers import MeSerializer


class MeView(RetrieveAPIView):
    """The caller and their role in each of their products."""

    serializer_class = MeSerializer

    def get_object(self):
        memberships = Membership.objects.select_related("product").order_by("product__name")
        return User.objects.prefetch_related(Prefetch("memberships", queryset=memberships)).get(pk=self.request.user.pk)


class TokenObtainView(ObtainAuthToken):
    """Username and password for a token. Throttled per client address
    (API_TOKEN_REQUESTS_RATE) and under the sign-in lockout (django-axes)."""

    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "auth_token"

    def post(self, request, *args, **kwargs):
        # The Django request, not DRF's wrapper: django-axes marks a lockout on it for its middleware.
        user = authenticate(
            request._request, username=request.data.get("username"), password=request.data.get("password")
        )
        if user is None:
            raise ValidationError({"non_field_errors": ["Unable to log in with provided credentials."]})
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
