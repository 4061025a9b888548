"""The page an invitation's link opens: choose a password (or join with single sign-on, see
invitation_sso.py), join the team, signed in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal import accounts, mfa

from .. import services
from ..forms import AcceptInvitationForm
from ..models import Invitation

# Where someone who joined by invitation goes once they have enrolled the second factor their role
# requires: the recovery-codes page that allauth shows after the enrolment offers the way on.
AFTER_ENROLMENT = "portal_after_enrolment"


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation's page (GET); accepting it (POST) creates the account and the membership."""
    try:
        found = services.find(token)
    except services.InvitationRefused as refused:
        return refused_page(request, refused)
    needs_password = not User.objects.filter(email__iexact=found.email).exists()
    # Single sign-on makes a new account; a signed-in person accepts as themselves.
    offered = needs_password and not request.user.is_authenticated
    provider = accounts.sso_provider(request) if offered else None
    sso_only = provider is not None and accounts.sso_required_for(found.role)
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" else None, needs_password=needs_password and not sso_only
    )
    if request.method == "POST" and sso_only:
        form.add_error(None, _("This role joins with single sign-on only: use the button below."))
    elif request.method == "POST" and form.is_valid():
        try:
            accepted = services.accept(
                token=token, password=form.cleaned_data.get("password1"), request=request
            )
        except services.InvitationRefused as refused:
            return refused_page(request, refused)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            for field, texts in errors.items():
                form.add_error("password1" if field == "password" and needs_password else None, texts)
        else:
            return redirect(welcome(request, accepted))
    context = {
        "invitation": found,
        "token": token,
        "form": form,
        "needs_password": needs_password,
        "provider": provider,
        "sso_only": sso_only,
    }
    return render(request, "assessments/invitation.html", context)


def welcome(request: HttpRequest, accepted: Invitation) -> str:
    """Welcome the person who has just joined; where they go next (after the enrolment of a
    second factor when their role requires one)."""
    messages.success(
        request, _("Welcome to the team of %(country)s.") % {"country": accepted.country.display_name}
    )
    target = services.landing(accepted)
    if accepted.user is not None and mfa.lacks_required_factor(accepted.user):
        request.session[AFTER_ENROLMENT] = target
    return target


def refused_page(request: HttpRequest, refused: services.InvitationRefused) -> HttpResponse:
    """The link does not work: say why and whom to ask for a new one; nothing changes."""
    inviter = refused.invitation.invited_by if refused.invitation else None
    context = {
        "refused": refused,
        "inviter_name": services.invitations.name_of(inviter) if inviter else "",
        "inviter_email": inviter.email if inviter else "",
    }
    return render(
        request,
        "assessments/invitation_refused.html",
        context,
        status=404 if refused.reason == "unknown" else 410,
    )
