"""The evidence library: upload a file or add a link, download, remove."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import audit

from .. import access, services
from ..forms import EvidenceFileForm, EvidenceLinkForm
from ..models import Assessment, Evidence
from .responses import add_messages


@login_required
def evidence_library(request: HttpRequest, pk: int) -> HttpResponse:
    """The library (GET); POST adds a file or, with kind=link, a link."""
    assessment = access.visible_assessment(request.user, pk)
    file_form, link_form = EvidenceFileForm(), EvidenceLinkForm()
    if request.method == "POST":
        access.require_write(request.user, assessment)
        if request.POST.get("kind") == "link":
            link_form = EvidenceLinkForm(request.POST)
            added = _add_evidence(request, link_form, add=_link(assessment, request))
        else:
            file_form = EvidenceFileForm(request.POST, request.FILES)
            added = _add_evidence(request, file_form, add=_file(assessment, request))
        if added:
            return redirect("assessments:evidence", pk=assessment.pk)
    context = {
        "assessment": assessment,
        "evidence": Evidence.objects.filter(assessment=assessment)
        .select_related("uploaded_by")
        .annotate(citations=Count("answers"))
        .order_by("title"),
        "file_form": file_form,
        "link_form": link_form,
        "can_write": access.can_write(request.user, assessment) and assessment.is_editable,
        "nav": "assessments",
    }
    return render(request, "assessments/evidence.html", context)


def _link(assessment: Assessment, request: HttpRequest) -> Callable[[dict[str, Any]], str]:
    def add(data: dict[str, Any]) -> str:
        services.add_link_evidence(assessment=assessment, by=access.signed_in(request.user), **data)
        return str(_("Link added to the evidence library."))

    return add


def _file(assessment: Assessment, request: HttpRequest) -> Callable[[dict[str, Any]], str]:
    def add(data: dict[str, Any]) -> str:
        services.add_file_evidence(
            assessment=assessment,
            by=access.signed_in(request.user),
            upload=data["file"],
            title=data["title"],
            description=data["description"],
        )
        return str(_("File added to the evidence library."))

    return add


def _add_evidence(request: HttpRequest, form: Any, *, add: Callable[[dict[str, Any]], str]) -> bool:
    """Validate the form and add its evidence; a refusal is shown on the form, field by field."""
    if not form.is_valid():
        return False
    try:
        messages.success(request, add(form.cleaned_data))
    except ValidationError as exc:
        for field, errs in getattr(exc, "message_dict", {None: exc.messages}).items():
            for message in errs:
                form.add_error(field if field in form.fields else None, message)
        return False
    return True


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    assessment = access.visible_assessment(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, assessment=assessment, kind=Evidence.Kind.FILE)
    handle = evidence.file.open("rb")
    audit.record(
        audit.Event.Action.EVIDENCE_DOWNLOADED,
        request=request,
        target=evidence,
        label=evidence.original_name or evidence.title,
        country=assessment.country.code,
        assessment=f"{assessment.country.name} {assessment.cycle}",
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    access.require_write(request.user, assessment)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, assessment=assessment)
    try:
        services.delete_evidence(evidence=evidence, by=access.signed_in(request.user))
        messages.success(request, _("Removed from the evidence library."))
    except ValidationError as exc:
        add_messages(request, exc)
    return redirect("assessments:evidence", pk=assessment.pk)
