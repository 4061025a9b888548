"""The page an invitation's link opens: choose a password, join the team, signed in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal import mfa

from .. import services
from ..forms import AcceptInvitationForm

# Where someone who joined by invitation goes once they have enrolled the second factor their role
# requires: the recovery-codes page that allauth shows after the enrolment offers the way on.
AFTER_ENROLMENT = "portal_after_enrolment"


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation's page (GET); accepting it (POST) creates the account and the membership."""
    try:
        found = services.find(token)
    except services.InvitationRefused as refused:
        return _refused(request, refused)
    needs_password = not User.objects.filter(email__iexact=found.email).exists()
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" else None, needs_password=needs_password
    )
    if request.method == "POST" and form.is_valid():
        try:
            accepted = services.accept(
                token=token, password=form.cleaned_data.get("password1"), request=request
            )
        except services.InvitationRefused as refused:
            return _refused(request, refused)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            for field, texts in errors.items():
                form.add_error("password1" if field == "password" and needs_password else None, texts)
        else:
            messages.success(
                request,
                _("Welcome to the team of %(country)s.") % {"country": accepted.country.name},
            )
            target = services.landing(accepted)
            if mfa.lacks_required_factor(accepted.user):
                request.session[AFTER_ENROLMENT] = target
            return redirect(target)
    context = {"invitation": found, "form": form, "needs_password": needs_password}
    return render(request, "assessments/invitation.html", context)


def _refused(request: HttpRequest, refused: services.InvitationRefused) -> HttpResponse:
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
