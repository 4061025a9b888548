"""National measures and technical-assistance needs, added from the requirement page and edited apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from framework.models import Requirement

from .. import access, services
from ..forms import NationalMeasureForm, TechnicalAssistanceNeedForm
from ..models import Assessment, NationalMeasure, TechnicalAssistanceNeed
from .responses import add_messages, error_messages, partial_or_page


@login_required
@require_POST
def measure_add(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    access.require_write(request.user, assessment)
    requirement = get_object_or_404(Requirement, framework=assessment.framework, code=code)
    form = NationalMeasureForm(
        request.POST, instance=NationalMeasure(assessment=assessment, requirement=requirement)
    )
    _save_model_form(
        request,
        form,
        lambda m: services.save_national_measure(measure=m, by=access.signed_in(request.user)),
        _("National measure added."),
    )
    return redirect(reverse("assessments:requirement", args=[pk, code]) + "#national-measures")


@login_required
@require_http_methods(["GET", "POST"])
def ta_need_add(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """GET: the form (loaded when the user opens it). POST: add the need."""
    assessment = access.visible_assessment(request.user, pk)
    access.require_write(request.user, assessment)
    requirement = get_object_or_404(Requirement, framework=assessment.framework, code=code)
    if request.method == "GET":
        context = {
            "assessment": assessment,
            "requirement": requirement,
            "ta_form": TechnicalAssistanceNeedForm(requirement=requirement),
            "nav": "assessments",
        }
        return partial_or_page(request, "assessments/_ta_need_form.html", "assessments/ta_need.html", context)
    form = TechnicalAssistanceNeedForm(
        request.POST,
        instance=TechnicalAssistanceNeed(assessment=assessment, requirement=requirement),
        requirement=requirement,
    )
    _save_model_form(
        request,
        form,
        lambda n: services.save_ta_need(need=n, by=access.signed_in(request.user)),
        _("Technical assistance need added."),
    )
    return redirect(reverse("assessments:requirement", args=[pk, code]) + "#ta-needs")


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    """Edit (GET/POST) or remove (POST action=delete) a national measure."""
    assessment = access.visible_assessment(request.user, pk)
    access.require_write(request.user, assessment)
    measure = get_object_or_404(
        NationalMeasure.objects.select_related("requirement"), pk=record_pk, assessment=assessment
    )
    return _edit_record(
        request,
        assessment,
        NationalMeasureForm(request.POST or None, instance=measure),
        back=reverse("assessments:requirement", args=[pk, measure.requirement.code]) + "#national-measures",
        label=str(NationalMeasure._meta.verbose_name),
        save=lambda m: services.save_national_measure(measure=m, by=access.signed_in(request.user)),
        remove=lambda: services.delete_national_measure(measure=measure, by=access.signed_in(request.user)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def ta_need_edit(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    """Edit (GET/POST) or remove (POST action=delete) a technical-assistance need."""
    assessment = access.visible_assessment(request.user, pk)
    access.require_write(request.user, assessment)
    need = get_object_or_404(
        TechnicalAssistanceNeed.objects.select_related("requirement"), pk=record_pk, assessment=assessment
    )
    return _edit_record(
        request,
        assessment,
        TechnicalAssistanceNeedForm(request.POST or None, instance=need, requirement=need.requirement),
        back=reverse("assessments:requirement", args=[pk, need.requirement.code]) + "#ta-needs",
        label=str(TechnicalAssistanceNeed._meta.verbose_name),
        save=lambda n: services.save_ta_need(need=n, by=access.signed_in(request.user)),
        remove=lambda: services.delete_ta_need(need=need, by=access.signed_in(request.user)),
    )


def _edit_record(
    request: HttpRequest,
    assessment: Assessment,
    form: Any,
    *,
    back: str,
    label: str,
    save: Callable[[Any], Any],
    remove: Callable[[], None],
) -> HttpResponse:
    """The edit page of a national measure or TA need: remove it, save the form, or show it."""
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            remove()
        except ValidationError as exc:
            add_messages(request, exc)
        else:
            messages.success(request, _("Removed."))
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.save(commit=False))
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    context = {
        "assessment": assessment,
        "record": form.instance,
        "form": form,
        "label": label,
        "back": back,
        "nav": "assessments",
    }
    return render(request, "assessments/record_edit.html", context)


def _save_model_form(request: HttpRequest, form: Any, save: Any, success: str) -> None:
    if not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in errs:
                messages.error(request, f"{label}: {message}" if label else message)
        return
    try:
        save(form.save(commit=False))
    except ValidationError as exc:
        add_messages(request, exc)
        return
    messages.success(request, success)
