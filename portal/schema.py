"""How the API documentation describes the portal's own token authentication."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class TokenScheme(KnoxTokenScheme):
    target_class = "portal.authentication.TokenAuthentication"
    name = "tokenAuth"
