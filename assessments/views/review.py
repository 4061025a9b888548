"""Submission and review: the workflow steps, findings and replies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from framework.models import Item, Requirement

from .. import access, selectors, services
from ..models import Assessment, Finding
from ..workflow import STEPS
from .responses import add_messages


@login_required
@require_http_methods(["GET", "POST"])
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET: confirm the step (listing what is still open before a submission). POST: take it."""
    assessment = access.visible_assessment(request.user, pk)
    if action not in STEPS:
        raise Http404("No such step.")
    if not access.may_take(request.user, assessment, action):
        raise PermissionDenied(_("Your role does not allow this step."))
    if request.method == "POST":
        try:
            services.transition(
                assessment_id=assessment.pk,
                by=access.signed_in(request.user),
                action=action,
                comment=request.POST.get("comment", ""),
                confirm_open=request.POST.get("confirm_open") == "on",
            )
        except services.StateError as exc:
            add_messages(request, exc, messages.WARNING)
            return redirect(assessment)
        except ValidationError as exc:
            add_messages(request, exc)
        else:
            messages.success(
                request, _("Done: the assessment is now %(state)s.") % {"state": _state(assessment.pk)}
            )
            return redirect(assessment)
    return render(
        request,
        "assessments/transition.html",
        {
            "assessment": assessment,
            "action": action,
            "label": STEPS[action].label,
            "open_items": selectors.open_items(assessment=assessment)
            if action in ("submit", "accept")
            else [],
            "open_findings": assessment.findings.filter(status="open").count(),
            "comment": request.POST.get("comment", ""),
            "nav": "assessments",
        },
    )


def _state(pk: int) -> str:
    return str(Assessment.objects.get(pk=pk).get_state_display()).lower()


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    access.require_reviewer(request.user)
    requirement = get_object_or_404(Requirement, framework=assessment.framework, code=code)
    item = None
    if request.POST.get("item"):
        item = Item.objects.filter(requirement=requirement, code=request.POST["item"]).first()
        if item is None:
            messages.error(request, _("Choose an item of this requirement."))
            return redirect(reverse("assessments:requirement", args=[pk, code]) + "#findings")
    try:
        services.add_finding(
            assessment=assessment,
            by=access.signed_in(request.user),
            requirement=requirement,
            item=item,
            text=request.POST.get("text", ""),
            rating=request.POST.get("rating", ""),
        )
        messages.success(request, _("Finding recorded."))
    except ValidationError as exc:
        add_messages(request, exc)
    return redirect(reverse("assessments:requirement", args=[pk, code]) + "#findings")


def _visible_finding(request: HttpRequest, pk: int, finding_pk: int) -> tuple[Assessment, Finding]:
    assessment = access.visible_assessment(request.user, pk)
    finding = get_object_or_404(
        Finding.objects.select_related("requirement"), pk=finding_pk, assessment=assessment
    )
    return assessment, finding


@login_required
@require_POST
def finding_reply(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    assessment, finding = _visible_finding(request, pk, finding_pk)
    if not access.can_reply(request.user, assessment):
        raise PermissionDenied(_("Only the country's team and UNODC reviewers reply to findings."))
    try:
        services.reply_to_finding(
            finding=finding, by=access.signed_in(request.user), text=request.POST.get("text", "")
        )
        messages.success(request, _("Reply added."))
    except ValidationError as exc:
        add_messages(request, exc)
    return redirect(
        reverse("assessments:requirement", args=[pk, finding.requirement.code]) + f"#finding-{finding.pk}"
    )


@login_required
@require_POST
def finding_status(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    _assessment, finding = _visible_finding(request, pk, finding_pk)
    access.require_reviewer(request.user)
    try:
        services.set_finding_status(
            finding=finding, by=access.signed_in(request.user), resolved=request.POST.get("resolved") == "1"
        )
    except ValidationError as exc:
        add_messages(request, exc)
    return redirect(
        reverse("assessments:requirement", args=[pk, finding.requirement.code]) + f"#finding-{finding.pk}"
    )
