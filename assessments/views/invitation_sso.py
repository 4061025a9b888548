"""Accepting an invitation with single sign-on: "Join with UNODC" on the invitation's page.

Pressing the button keeps the invitation in the session (the hash of its token: the token itself
is never in a URL the identity provider sees) and sends the person to the provider. When they come
back, django-allauth asks portal.accounts.SocialAccountAdapter, which asks the functions below
(``PORTAL_SSO_SIGNUP``): the provider must have verified the invitation's very address; then the
account is made without a password, the identity linked, the membership given and the invitation
used, in one transaction, and allauth signs the person in and sends them to the team's assessment
(through the enrolment of a second factor when the role needs one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

import audit
from portal import accounts

from .. import services
from .invitations import refused_page, welcome

# The hash of the token of the invitation the person went to the identity provider to accept.
PENDING = "portal_sso_invitation"


@require_POST
def join_with_sso(request: HttpRequest, token: str) -> HttpResponse:
    """ "Join with ...": the invitation waits in the session while the person signs in at the
    identity provider; allauth brings them back to the team's assessment."""
    try:
        found = services.find(token)
    except services.InvitationRefused as refused:
        return refused_page(request, refused)
    provider = accounts.sso_provider(request)
    has_account = User.objects.filter(email__iexact=found.email).exists()
    if provider is None or request.user.is_authenticated or has_account:
        return redirect("assessments:invitation", token=token)
    request.session[PENDING] = found.token_hash
    return provider.redirect(request, AuthProcess.LOGIN, next_url=services.landing(found))


def pending(request: HttpRequest) -> str | None:
    """The invitation the person went to the identity provider for (its token's hash), if any."""
    return request.session.get(PENDING)


def forget(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def refusal(request: HttpRequest, sociallogin: SocialLogin) -> HttpResponse | None:
    """Why the identity the provider sent back cannot accept the pending invitation, as a page (and
    a failed sign-in in the audit log); None when its verified address is the invitation's."""
    try:
        invitation = services.find_by_digest(pending(request) or "")
    except services.InvitationRefused as refused:  # expired, used, withdrawn or sent again meanwhile
        forget(request)
        return refused_page(request, refused)
    addresses = sociallogin.email_addresses
    if any(a.verified and a.email.lower() == invitation.email for a in addresses):
        return None
    forget(request)
    given = addresses[0].email if addresses else ""
    if not given:
        reason = gettext_noop("the identity provider gave no e-mail address")
        message = _("Your identity provider did not give the portal your e-mail address.")
    elif not any(a.verified for a in addresses):
        reason = gettext_noop("the identity provider has not verified the e-mail address")
        message = _(
            "Your identity provider has not verified your e-mail address %(email)s, so the portal "
            "cannot tell that the invitation is yours. Ask your IT service desk to verify it, then "
            "open the invitation's link again."
        ) % {"email": given}
    else:
        reason = gettext_noop("the verified e-mail address is not the invitation’s")
        message = _(
            "This invitation is for %(invited)s, but your identity provider signed you in as "
            "%(email)s. Sign in there with the account of %(invited)s, or ask for an invitation "
            "to %(email)s."
        ) % {"invited": invitation.email, "email": given}
    audit.record(
        audit.Event.Action.SIGN_IN_FAILED,
        request=request,
        actor_label=given or sociallogin.account.uid,
        by=gettext_noop("single sign-on"),
        reason=reason,
        invitation=invitation.email,
    )
    context = {"invitation": invitation, "message": message}
    return render(request, "assessments/invitation_sso_refused.html", context, status=403)


def sign_up(request: HttpRequest, sociallogin: SocialLogin, create: Callable[[str], Any]) -> Any:
    """Accept the pending invitation with the account ``create(address)`` makes; the account."""
    user = sociallogin.user
    verified = [a.email for a in sociallogin.email_addresses if a.verified]
    try:
        accepted = services.accept_by_sso(
            digest=pending(request) or "",
            email=verified[0] if verified else "",
            name=" ".join(part for part in (user.first_name, user.last_name) if part),
            create_account=create,
            request=request,
        )
    except services.InvitationRefused as refused:  # used by a click in another tab meanwhile
        forget(request)
        raise ImmediateHttpResponse(refused_page(request, refused)) from None
    except ValidationError as exc:
        forget(request)
        context = {"message": " ".join(exc.messages)}
        page = render(request, "assessments/invitation_sso_refused.html", context, status=403)
        raise ImmediateHttpResponse(page) from None
    forget(request)
    welcome(request, accepted)
    return accepted.user
