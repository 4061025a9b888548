"""A country's team page: members and their roles; for its coordinators, the team's activity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from audit import selectors as audit_log
from audit.forms import EventFilterForm

from .. import access, services
from ..forms import MemberForm
from ..models import Country, Membership
from .responses import add_messages, error_messages


@login_required
def team(request: HttpRequest, code: str) -> HttpResponse:
    """A country's team (GET); its national coordinator adds members, changes roles, removes (POST)."""
    country = _own_team(request, code)
    form = MemberForm()
    if request.method == "POST":
        access.require_coordinator(request.user, country)
        form, done = _change_team(request, country)
        if done:
            return redirect("assessments:team", code=code)
    context = {
        "country": country,
        "members": Membership.objects.filter(country=country)
        .select_related("user")
        .order_by("role", "user__email"),
        "form": form,
        "is_coordinator": access.is_coordinator(request.user, country),
        "roles": Membership.Role.choices,
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


def _change_team(request: HttpRequest, country: Country) -> tuple[MemberForm, bool]:
    """Add a member, change a role or remove someone; the form (with any errors) and whether it was done."""
    action = request.POST.get("action", "add")
    form = MemberForm(request.POST) if action == "add" else MemberForm()
    try:
        if action == "add":
            if not form.is_valid():
                return form, False
            services.add_member(country=country, by=access.signed_in(request.user), **form.cleaned_data)
            messages.success(request, _("%(email)s added to the team.") % form.cleaned_data)
            return form, True
        membership = get_object_or_404(Membership, pk=request.POST.get("membership"), country=country)
        if action == "remove":
            services.remove_member(membership=membership, by=access.signed_in(request.user))
            messages.success(request, _("Removed from the team."))
        elif action == "role":
            services.change_member_role(
                membership=membership, role=request.POST.get("role", ""), by=access.signed_in(request.user)
            )
            messages.success(request, _("Role changed."))
    except ValidationError as exc:
        if action == "add":
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            add_messages(request, exc)
        return form, False
    return form, True
