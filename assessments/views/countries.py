"""The Countries page of UNODC's administrators: every State's team, and appointing its coordinator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, selectors, services
from ..forms import CoordinatorInviteForm
from ..models import Country, Membership, Region
from .responses import add_messages


@login_required
def country_list(request: HttpRequest) -> HttpResponse:
    """Every country with its team size, coordinators and pending invitations, filtered by name or region."""
    access.require_administrator(request.user)
    name = request.GET.get("name", "").strip()[:100]
    region = request.GET.get("region", "")
    context = {
        "countries": selectors.countries_overview(
            name=name, region=region if region in Region.values else ""
        ),
        "name": name,
        "region": region,
        "regions": Region.choices,
        "nav": "countries",
    }
    return render(request, "assessments/countries.html", context)


@login_required
@require_POST
def country_invite(request: HttpRequest, code: str) -> HttpResponse:
    """Invite a country's national coordinator (the same invitation as the team page sends)."""
    access.require_administrator(request.user)
    country = get_object_or_404(Country, code=code)
    form = CoordinatorInviteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([message for errors in form.errors.values() for message in errors])
        invitation = services.invite(
            country=country,
            role=Membership.Role.COORDINATOR,
            by=access.signed_in(request.user),
            **form.cleaned_data,
        )
    except ValidationError as exc:
        add_messages(request, exc)
    else:
        messages.success(
            request,
            _("%(email)s invited as national coordinator of %(country)s.")
            % {"email": invitation.email, "country": country.display_name},
        )
    return redirect(reverse("assessments:countries") + f"?name={country.code}")
