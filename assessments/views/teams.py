"""A country's team page: members, roles and open invitations; for its coordinators, the
team's activity."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from audit import selectors as audit_log
from audit.forms import EventFilterForm

from .. import access, services
from ..forms import InviteForm
from ..models import Country, Invitation, Membership
from .responses import add_messages, error_messages


@login_required
def team(request: HttpRequest, code: str) -> HttpResponse:
    """A country's team (GET); its national coordinator invites, resends, revokes, changes roles,
    removes (POST)."""
    country = _own_team(request, code)
    form = InviteForm()
    if request.method == "POST":
        access.require_coordinator(request.user, country)
        form, done = _change_team(request, country)
        if done:
            return redirect("assessments:team", code=code)
    is_coordinator = access.is_coordinator(request.user, country)
    context = {
        "country": country,
        "members": Membership.objects.filter(country=country)
        .select_related("user__profile")
        .order_by("role", "user__email"),
        "invitations": Invitation.objects.open().filter(country=country).order_by("email")
        if is_coordinator
        else Invitation.objects.none(),
        "form": form,
        "is_coordinator": is_coordinator,
        "roles": Membership.Role.choices,
        "days": settings.INVITATION_DAYS,
        "nav": "team",
    }
    return render(request, "assessments/team.html", context)


@login_required
def team_activity(request: HttpRequest, code: str) -> HttpResponse:
    """The audit log of the team's country, for its national coordinators: who did what, when, from where."""
    country = _own_team(request, code)
    access.require_coordinator(request.user, country)
    form = EventFilterForm(request.GET or None, with_country=False)
    events = audit_log.events(**form.filters(), country=country.code)
    page = audit_log.page_of(events, request.GET.get("page"))
    context = {"country": country, "form": form, "page": page, "nav": "team"}
    return render(request, "assessments/team_activity.html", context)


def _own_team(request: HttpRequest, code: str) -> Country:
    """The country if the user is in its team; otherwise 404, as for a country that does not exist."""
    country = Country.objects.of_user(request.user).filter(code=code).first()
    if country is None:
        raise Http404("No such team.")
    return country


def _change_team(request: HttpRequest, country: Country) -> tuple[InviteForm, bool]:
    """Invite, resend, revoke, change a role or remove someone; the form (with any errors) and
    whether it was done."""
    action = request.POST.get("action", "invite")
    form = InviteForm(request.POST) if action == "invite" else InviteForm()
    by = access.signed_in(request.user)
    try:
        if action == "invite":
            if not form.is_valid():
                return form, False
            invitation = services.invite(country=country, by=by, **form.cleaned_data)
            messages.success(request, _sent_message(invitation))
        elif action in ("resend", "revoke"):
            invitation = get_object_or_404(Invitation, pk=request.POST.get("invitation"), country=country)
            if action == "resend":
                services.resend(invitation=invitation, by=by)
                messages.success(
                    request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
                )
            else:
                services.revoke(invitation=invitation, by=by)
                messages.success(request, _("Invitation withdrawn: its link no longer works."))
        else:
            membership = get_object_or_404(Membership, pk=request.POST.get("membership"), country=country)
            if action == "remove":
                services.remove_member(membership=membership, by=by)
                messages.success(request, _("Removed from the team."))
            elif action == "role":
                services.change_member_role(membership=membership, role=request.POST.get("role", ""), by=by)
                messages.success(request, _("Role changed."))
    except ValidationError as exc:
        if action == "invite":
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            add_messages(request, exc)
        return form, False
    return form, True


def _sent_message(invitation: Invitation) -> str:
    if invitation.accepted_at is not None:
        return _("%(email)s already had an account: added to the team and told by e-mail.") % {
            "email": invitation.email
        }
    return _("Invitation sent to %(email)s.") % {"email": invitation.email}
