from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import RetrieveAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.accounts import services
from apps.accounts.access import access_api_token, api_tokens_of, memberships_of
from apps.accounts.models import ApiToken
from apps.accounts.permissions import scope_of
from apps.accounts.serializers import (
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    ApiTokenWithSecretSerializer,
    MeSerializer,
    TokenObtainSerializer,
)
from apps.core.idempotency import never_replayed


class MeView(RetrieveAPIView):
    """The caller and their role in each of their products (only the token's
    product when called with a product-scoped token)."""

    serializer_class = MeSerializer

    def get_object(self):
        user = self.request.user
        scope = scope_of(user)
        memberships = memberships_of(user, product_id=scope and scope.product_id)
        prefetch_related_objects([user], Prefetch("memberships", queryset=memberships))
        return user


class NotThroughAScopedToken(BasePermission):
    message = "A token limited to one product cannot list, make or revoke tokens."

    def has_permission(self, request, view):
        return not (isinstance(request.auth, ApiToken) and request.auth.product_id is not None)


def _with_secret(token: ApiToken, secret: str) -> dict:
    data = dict(ApiTokenWithSecretSerializer(token).data)
    data["token"] = secret
    return data


class TokenObtainView(APIView):
    """Username and password for a new token (all of the person's rights,
    expiring after `expires_in_days`, default API_TOKEN_DEFAULT_DAYS).
    Each call makes another token: keep the one you have until it expires.
    Throttled per client address, and under the sign-in lockout."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "auth_token"
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)

    @extend_schema(
        request=TokenObtainSerializer,
        responses={
            200: ApiTokenWithSecretSerializer,
            400: OpenApiResponse(description="Wrong username or password, or invalid fields."),
            429: OpenApiResponse(description="Too many tries: see Retry-After."),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The Django request, not DRF's wrapper: django-axes marks a lockout on it for its middleware.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise ValidationError({"non_field_errors": ["Unable to sign in with these credentials."]})
        token, secret = services.api_token_create(
            actor=user,
            name=data.get("name") or "Made with username and password",
            lifetime_days=data.get("expires_in_days") or settings.API_TOKEN_DEFAULT_DAYS,
        )
        response = Response(_with_secret(token, secret))
        response["Cache-Control"] = "no-store"
        return never_replayed(response)


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your API tokens: list them (never their secrets), make one (its secret
    is in this one answer only), revoke one. A token may be limited to one
    product and a list of actions there. Not open to product-scoped tokens."""

    serializer_class = ApiTokenSerializer
    permission_classes = (IsAuthenticated, NotThroughAScopedToken)
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return api_tokens_of(self.request.user)

    def get_object(self):
        return access_api_token(self.request.user, self.kwargs["pk"])

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenWithSecretSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        product_id = None
        if data["product"]:
            product_id = (
                memberships_of(request.user)
                .filter(product__slug=data["product"])
                .values_list("product_id", flat=True)
                .first()
            )
            if product_id is None:
                raise ValidationError({"product": ["You are not a member of a product with this slug."]})
        token, secret = services.api_token_create(
            actor=request.user,
            name=data["name"],
            lifetime_days=data["expires_in_days"],
            product_id=product_id,
            actions=data["actions"],
        )
        response = Response(_with_secret(token, secret), status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return never_replayed(response)

    def perform_destroy(self, instance):
        services.api_token_revoke(actor=self.request.user, token=instance)
