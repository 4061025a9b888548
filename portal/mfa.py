"""The second factor (TOTP with recovery codes, from django-allauth's MFA) and who must have it.

``MFA_REQUIRED_ROLES`` lists the roles that need it. Until such a person has enrolled and
confirmed it, nothing but the enrolment pages and sign-out answers them: a page redirects to the
enrolment, the API (by session or by token) answers 403 saying why, and so does the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Marks a session whose user had a second factor: the factor is only ever removed together with
# the person's sessions (portal.accounts.reset_second_factor), so the mark cannot go stale.
ENROLLED = "portal_mfa_enrolled"
ENROL_FIRST = gettext_noop(
    "Enrol a second factor (an authenticator app) on the portal first: your role requires one."
)


def roles_of(user: Any) -> set[str]:
    return set(import_string(settings.PORTAL_ROLES_OF)(user))


def requires_second_factor(user: Any) -> bool:
    return bool(roles_of(user) & set(settings.MFA_REQUIRED_ROLES))


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def lacks_required_factor(user: Any) -> bool:
    return not has_second_factor(user) and requires_second_factor(user)


def _open_paths() -> tuple[str, ...]:
    """What a person without their required factor may still reach."""
    return (
        reverse("mfa_index"),
        reverse("mfa_activate_totp"),
        reverse("mfa_view_recovery_codes"),
        reverse("mfa_generate_recovery_codes"),
        reverse("mfa_download_recovery_codes"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        reverse("mfa_reauthenticate"),
        reverse("set_language"),
        settings.STATIC_URL,
        "/healthz",
    )


class SecondFactorRequired:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.session.get(ENROLLED):
            return self.get_response(request)
        if has_second_factor(user):
            request.session[ENROLLED] = True
            return self.get_response(request)
        if not requires_second_factor(user) or request.path.startswith(_open_paths()):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _(ENROL_FIRST)}, status=403)
        messages.warning(request, _(ENROL_FIRST))
        target = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=403)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


def enrol(user: Any, secret: str | None = None) -> str:
    """Give ``user`` a confirmed TOTP factor and recovery codes, as the enrolment page does; the
    secret. For the demo accounts and for tests, which must sign in as every role."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = secret or generate_totp_secret()
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)
    return secret


def current_code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret``."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    # The counters run from MFA_TOTP_TOLERANCE steps back to as many ahead: now is the middle one
    # (the first, a step back, is refused once the next step begins, which can happen between
    # reading the code and sending it).
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
