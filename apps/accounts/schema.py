"""How the OpenAPI schema describes our token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <secret>` (or `Bearer <secret>`). Create tokens on your profile page, with "
                "POST /api/v1/auth/tokens/ or with username and password at POST /api/v1/auth/token/. "
                "A token expires, is revoked when its owner's password changes, and may be limited "
                "to one product and a list of actions."
            ),
        }
