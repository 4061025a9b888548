"""The API's token authentication (imported by DRF's settings, so it imports no DRF views)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from . import mfa


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's, and a token of a person whose role now needs a second factor they lack is refused."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        user, auth_token = super().authenticate_credentials(token)
        if mfa.lacks_required_factor(user):
            raise AuthenticationFailed(_(mfa.ENROL_FIRST))
        return user, auth_token
