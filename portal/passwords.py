"""A changed password ends the API tokens issued under the old one.

Django tells each configured password validator when a password has been changed: the password
change page, the reset-by-e-mail link, the admin and ``manage.py changepassword`` all end in
``set_password`` and ``save``, which calls ``password_changed`` (a rehash at login does not). So
the revocation is listed in ``AUTH_PASSWORD_VALIDATORS``; it refuses no password.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import ApiToken


def revoke_api_tokens(*, user: Any) -> int:
    """Delete the user's API tokens; a client then gets 401 until it asks for a new one."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    return deleted


class RevokeApiTokensOnChange:
    """Not a rule for passwords: the hook Django calls after every password change."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            revoke_api_tokens(user=user)

    def get_help_text(self) -> str:
        return _(
            "Changing your password revokes your API tokens: programs using them must be given new ones."
        )
