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
from .responses import error_messages


@login_required
def team(request: HttpRequest, code: str) -> HttpResponse:
    country = Country.objects.of_user(request.user).filter(code=code).first()
    if country is None:
        raise Http404("No such team.")
    is_coordinator = access.is_coordinator(request.user, country)
    form = MemberForm()
    if request.method == "POST":
        access.require_coordinator(request.user, country)
        action = request.POST.get("action", "add")
        try:
            if action == "add":
                form = MemberForm(request.POST)
                if form.is_valid():
                    services.add_member(country=country, by=request.user, **form.cleaned_data)
                    messages.success(request, _("%(email)s added to the team.") % form.cleaned_data)
                    return redirect("assessments:team", code=code)
            else:
                membership = get_object_or_404(Membership, pk=request.POST.get("membership"), country=country)
                if action == "remove":
                    services.remove_member(membership=membership, by=request.user)
                    messages.success(request, _("Removed from the team."))
                elif action == "role":
                    services.change_member_role(
                        membership=membership, role=request.POST.get("role", ""), by=request.user
                    )
                    messages.success(request, _("Role changed."))
                return redirect("assessments:team", code=code)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message) if action == "add" else messages.error(request, message)
    members = (
        Membership.objects.filter(country=country).select_related("user").order_by("role", "user__email")
    )
    return render(
        request,
        "assessments/team.html",
        {
            "country": country,
            "members": members,
            "form": form,
            "is_coordinator": is_coordinator,
            "roles": Membership.Role.choices,
            "nav": "team",
        },
    )
