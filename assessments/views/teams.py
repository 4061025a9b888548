"""A country's team page: members and their roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import access, services
from ..forms import MemberForm
from ..models import Country, Membership
from .responses import add_messages, error_messages


@login_required
def team(request: HttpRequest, code: str) -> HttpResponse:
    """A country's team (GET); its national coordinator adds members, changes roles, removes (POST)."""
    country = Country.objects.of_user(request.user).filter(code=code).first()
    if country is None:
        raise Http404("No such team.")
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
