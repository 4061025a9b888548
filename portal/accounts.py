"""Accounts on django-allauth, lockout on django-axes: the portal's rules for both.

- Nobody signs up: people join by invitation (assessments.services.invitations), and single sign-on
  links a verified e-mail address to an account that exists, or creates the account of the pending
  invitation that sent the person to the identity provider (``PORTAL_SSO_SIGNUP`` says whether).
- ``SSO_REQUIRED_ROLES`` must sign in with OpenID Connect; their password is refused.
- A required second factor cannot be removed by its owner; an administrator resets it.
- Lockout is per account and address; each further lockout of the pair lasts twice as long.
- Ending a person's access ends their sessions and API tokens at once.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from types import ModuleType
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.httpkit import get_client_ip
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, get_adapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import Provider
from allauth.usersessions.models import UserSession
from axes.models import AccessFailureLog
from django import forms
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

import audit

from . import mfa
from .models import ApiToken

LONGEST_COOL_OFF = timedelta(days=1)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the connection's, or with ``TRUSTED_PROXY_COUNT`` proxies in front the
    X-Forwarded-For entry the outermost of them wrote (what the client wrote itself is further
    left and never read). allauth's reading (its rate limits use it too), and DRF's with NUM_PROXIES."""
    if len(request.headers.get("x-forwarded-for", "").split(",")) < settings.TRUSTED_PROXY_COUNT:
        return request.META.get("REMOTE_ADDR")  # a request that did not come through the proxies
    return get_client_ip(request)


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in attempt named, whichever path it came by (e-mail or user name)."""
    credentials = credentials or {}
    name = credentials.get("username") or credentials.get("email") or credentials.get("login") or ""
    return str(name).strip().lower()[:255]


def cool_off(request: HttpRequest | None) -> timedelta:
    """LOCKOUT_MINUTES for a first lockout of the account-and-address pair, doubled at each further
    one within a day (at most a day)."""
    base = timedelta(minutes=settings.LOCKOUT_MINUTES)
    if request is None or not getattr(request, "axes_ip_address", None):
        return base
    username = attempted_username(request, getattr(request, "axes_credentials", None))
    earlier = AccessFailureLog.objects.filter(
        username=username,
        ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        locked_out=True,
        attempt_time__gte=timezone.now() - LONGEST_COOL_OFF,
    ).count()
    return min(base * 2 ** min(max(earlier - 1, 0), 8), LONGEST_COOL_OFF)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The answer while an account-and-address pair is locked: 429, in words, with how long."""
    minutes = max(1, round(cool_off(request).total_seconds() / 60))
    message = _(
        "Too many wrong passwords for this account from your address. Try again in %(minutes)d "
        "minutes, or ask for a new password."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "account/locked_out.html", {"message": message}, status=429)


def end_access(user: Any) -> None:
    """End every session and API token of ``user``: their very next request is refused."""
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()
    ApiToken.objects.filter(user=user).delete()


def reset_second_factor(user: Any, *, by: Any, request: HttpRequest | None = None) -> int:
    """An administrator's reset: the person's factors go, and with them their sessions and tokens;
    at their next sign-in they enrol again."""
    with transaction.atomic():
        deleted, _rows = Authenticator.objects.filter(user=user).delete()
        end_access(user)
        audit.record(
            audit.Event.Action.MFA_RESET,
            request=request,
            actor=by,
            target=user,
            label=user.email,
            by=gettext_noop("administrator"),
        )
    return deleted


def must_use_sso(user: Any) -> bool:
    """Whether ``user``'s role signs in with single sign-on only (``SSO_REQUIRED_ROLES``): their
    password opens neither the sign-in page nor the token endpoint."""
    return bool(mfa.roles_of(user) & set(settings.SSO_REQUIRED_ROLES))


def sso_provider(request: HttpRequest) -> Provider | None:
    """The identity provider an invitation can be accepted with (``SSO_INVITATIONS``), if any."""
    if not settings.SSO_INVITATIONS:
        return None
    providers = get_adapter(request).list_providers(request)
    return providers[0] if providers else None


def sso_required_for(role: str) -> bool:
    """Whether an invitation with ``role`` can only be accepted with single sign-on."""
    return role in settings.SSO_REQUIRED_ROLES


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None and must_use_sso(user):
            raise forms.ValidationError(
                _("Your account signs in with single sign-on: use the button below the form.")
            )
        return user

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Enrolling a first factor right after signing in asks for no password again; changing
        or removing a factor afterwards does."""
        user = getattr(self.request, "user", None)
        if app == "allauth.mfa" and user is not None and not mfa.has_second_factor(user):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Reviewers begin at the secretariat's dashboard (their review queue), country teams at
        their assessments; an address the person was sent from comes first (allauth's ``next``)."""
        from assessments.models import is_reviewer

        if is_reviewer(request.user):
            return reverse("reports:secretariat")
        return str(super().get_login_redirect_url(request))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        context.setdefault("site_url", settings.SITE_URL)
        super().send_mail(template_prefix, email, context)


def refuse_single_sign_on(request: HttpRequest, sociallogin: SocialLogin) -> HttpResponse | None:
    """Why single sign-on cannot sign this person in, as a page (and a failed sign-in in the audit
    log); None when it can: the identity is linked to an account already, or its e-mail address
    is verified and an account has it."""
    if sociallogin.is_existing:  # linked before, or found by a verified address (allauth's lookup)
        return None
    emails = [address.email for address in sociallogin.email_addresses]
    if not emails:
        reason = gettext_noop("the identity provider gave no e-mail address")
        message = _("Your identity provider did not give the portal your e-mail address.")
    elif not all(address.verified for address in sociallogin.email_addresses):
        # Which account, if any, has the address stays unsaid: the identity behind it is unproven.
        reason = gettext_noop("the identity provider has not verified the e-mail address")
        message = _(
            "Your identity provider has not verified your e-mail address %(email)s, so the portal "
            "cannot tell which account is yours. Ask your IT service desk to verify it, then try again."
        ) % {"email": emails[0]}
    else:
        reason = gettext_noop("no account has the e-mail address")
        message = _(
            "No portal account has the e-mail address %(email)s. Accounts come from an "
            "invitation: ask your national coordinator, or UNODC for a country's first coordinator."
        ) % {"email": emails[0]}
    actor_label = emails[0] if emails else sociallogin.account.uid
    audit.record(
        audit.Event.Action.SIGN_IN_FAILED,
        request=request,
        actor_label=actor_label,
        by=gettext_noop("single sign-on"),
        reason=reason,
    )
    return render(request, "account/sso_refused.html", {"message": message}, status=403)


def sso_signup() -> ModuleType:
    """The app that says when single sign-on may create an account (``PORTAL_SSO_SIGNUP``): its
    ``pending(request)``, ``refusal(request, sociallogin)``, ``sign_up(request, sociallogin, create)``
    and ``forget(request)``."""
    return import_module(settings.PORTAL_SSO_SIGNUP)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """Only for the pending invitation the person pressed "Join with ..." for, once
        ``pre_social_login`` found the provider's verified address to be the invitation's."""
        return sso_signup().pending(request) is not None

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return self.is_open_for_signup(request, sociallogin)  # the invitation says all; no form

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Nobody is created or linked but by a verified address (allauth's own default would
        show "sign-up closed" for both)."""
        signup = sso_signup()
        if sociallogin.is_existing:
            signup.forget(request)  # an account has the identity: it signs in, nothing is accepted
            return
        if signup.pending(request) is not None:
            refusal = signup.refusal(request, sociallogin)
        else:
            refusal = refuse_single_sign_on(request, sociallogin)
        if refusal is not None:
            raise ImmediateHttpResponse(refusal)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """The account of the pending invitation, created by the app that owns invitations."""

        def create(email: str) -> Any:
            user = sociallogin.user
            user.username = user.email = email
            for address in sociallogin.email_addresses:  # the invitation's, as the provider wrote it
                address.email = address.email.lower()
            return super(SocialAccountAdapter, self).save_user(request, sociallogin, form)

        return sso_signup().sign_up(request, sociallogin, create)


class SecondFactorAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        required = mfa.requires_second_factor(authenticator.user)
        return not (authenticator.type == Authenticator.Type.TOTP and required)

    def get_totp_issuer(self) -> str:
        return str(settings.MFA_TOTP_ISSUER)


def vouch_for_enrolment(
    request: HttpRequest | None = None, user: Any = None, authenticator: Any = None, **kwargs: Any
) -> None:
    """The code just typed to confirm a new authenticator app proves it: the recovery codes shown
    next ask for no other proof (someone who joined by single sign-on has no password to give)."""
    if request is None or user is None or authenticator is None:
        return
    if authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, method="mfa", type="totp", reauthenticated=True)


def forget_enrolment(request: HttpRequest | None = None, **kwargs: Any) -> None:
    """A removed factor no longer vouches for the session (the check runs again)."""
    session: SessionBase | None = getattr(request, "session", None)
    if session is not None:
        session.pop(mfa.ENROLLED, None)
