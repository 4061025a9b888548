"""What DRF's settings name: the API's token authentication and its throttles. DRF imports them
while it loads its views, so this module imports no views (nor portal.api, which does)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from . import mfa


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's, and a token of a person whose role now needs a second factor they lack is refused."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        user, auth_token = super().authenticate_credentials(token)
        if mfa.lacks_required_factor(user):
            raise AuthenticationFailed(_(mfa.ENROL_FIRST))
        return user, auth_token


class PerUserThrottle(UserRateThrottle):
    """Requests per signed-in person (per address when anonymous), counted in the shared cache."""


class PerAddressThrottle(SimpleRateThrottle):
    """Requests per client address, whoever sends them (the address as the proxies give it)."""

    scope = "address"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
