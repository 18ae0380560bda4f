"""API tokens at the door of every API request.

`Authorization: Token <secret>` (or `Bearer <secret>`). The secret is looked
up by its SHA-256 digest; an expired token, a revoked one (deleted) or one of
an inactive person is refused. A token scoped to one product narrows what
apps.accounts.permissions allows for the rest of the request (`require`,
`can`, `product_ids_where`): another product is a 404, an action outside the
token's list a 403. `ScopedTokenLimits` keeps such a token from writing
anywhere outside a product (creating products, settings, other tokens).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.accounts import services
from apps.accounts.models import ApiToken
from apps.accounts.permissions import limit_to_scope, token_scope

KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: send 'Token <secret>'."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = services.api_token_authenticate(secret=secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        limit_to_scope(token.user, token_scope(token))
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ScopedTokenLimits(BasePermission):
    """A product-scoped token reads what its product allows and writes only
    under /products/<its product>/, where apps.accounts.permissions decides."""

    message = "This API token is limited to one product; it cannot do this."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken) or token.product_id is None:
            return True
        return request.method in SAFE_METHODS or "product_slug" in getattr(view, "kwargs", {})
