"""Pages of assessments as a whole: the list, starting one, and its dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import access, selectors, services
from ..forms import AssessmentCreateForm
from ..models import Answer, Assessment, Country, Membership
from ..models.countries import by_name
from ..workflow import STEPS, steps_from
from .responses import error_messages


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    # In the order of the countries' names in the page's language, latest cycle first in each.
    assessments = by_name(
        Assessment.objects.visible_to(request.user).with_progress().select_related("country", "framework"),
        country=lambda a: a.country,
    )
    coordinates = Country.objects.of_user(request.user, roles=(Membership.Role.COORDINATOR,)).exists()
    memberships = Membership.objects.filter(user_id=request.user.pk or 0).select_related("country")
    return render(
        request,
        "assessments/list.html",
        {
            "assessments": assessments,
            "can_create": coordinates,
            "memberships": memberships,
            "nav": "assessments",
        },
    )


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    form = AssessmentCreateForm(request.POST or None, user=request.user)
    if not form.fields["country"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("Only a national coordinator can start an assessment."))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.create_assessment(
                country=form.cleaned_data["country"],
                cycle=form.cleaned_data["cycle"],
                framework=form.cleaned_data["framework"],
                prefill_from=form.cleaned_data["prefill_from"],
                by=access.signed_in(request.user),
            )
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("The assessment is ready to fill in."))
            return redirect(assessment)
    return render(request, "assessments/create.html", {"form": form, "nav": "assessments"})


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    show = request.GET.get("show", "")
    baseline = Assessment.objects.baseline_of(assessment).first()
    answers = Answer.objects.filter(assessment=assessment).select_related("item__requirement")
    return render(
        request,
        "assessments/dashboard.html",
        {
            "assessment": assessment,
            "pillars": selectors.pillar_progress(assessment=assessment),
            "requirements": selectors.requirement_progress(assessment=assessment),
            "mine": answers.filter(assignee_id=request.user.pk)[:50],
            "show": show,
            "baseline": baseline,
            "listing": selectors.dashboard_listing(
                assessment=assessment, user=request.user, show=show, baseline=baseline
            ),
            "can_write": access.can_write(request.user, assessment),
            "steps": available_steps(request.user, assessment),
            "transitions": assessment.transitions.select_related("by"),
            "findings": selectors.open_findings(assessment=assessment),
            "nav": "assessments",
        },
    )


def available_steps(user: Any, assessment: Assessment) -> list[tuple[str, str]]:
    """The workflow steps this user may take from the assessment's present state."""
    return [
        (action, str(STEPS[action].label))
        for action in steps_from(assessment.state)
        if access.may_take(user, assessment, action)
    ]
