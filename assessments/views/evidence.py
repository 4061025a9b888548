"""The evidence library: upload a file or add a link, download, remove."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, services
from ..forms import EvidenceFileForm, EvidenceLinkForm
from ..models import Evidence
from .responses import add_messages


@login_required
def evidence_library(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    file_form = EvidenceFileForm()
    link_form = EvidenceLinkForm()
    if request.method == "POST":
        access.require_write(request.user, assessment)
        try:
            if request.POST.get("kind") == "link":
                link_form = EvidenceLinkForm(request.POST)
                if link_form.is_valid():
                    services.add_link_evidence(
                        assessment=assessment, by=request.user, **link_form.cleaned_data
                    )
                    messages.success(request, _("Link added to the evidence library."))
                    return redirect("assessments:evidence", pk=assessment.pk)
            else:
                file_form = EvidenceFileForm(request.POST, request.FILES)
                if file_form.is_valid():
                    services.add_file_evidence(
                        assessment=assessment,
                        by=request.user,
                        upload=file_form.cleaned_data["file"],
                        title=file_form.cleaned_data["title"],
                        description=file_form.cleaned_data["description"],
                    )
                    messages.success(request, _("File added to the evidence library."))
                    return redirect("assessments:evidence", pk=assessment.pk)
        except ValidationError as exc:
            form = link_form if request.POST.get("kind") == "link" else file_form
            for field, errs in getattr(exc, "message_dict", {None: exc.messages}).items():
                for message in errs:
                    form.add_error(field if field in form.fields else None, message)
    evidence = (
        Evidence.objects.filter(assessment=assessment)
        .select_related("uploaded_by")
        .annotate(citations=Count("answers"))
        .order_by("title")
    )
    return render(
        request,
        "assessments/evidence.html",
        {
            "assessment": assessment,
            "evidence": evidence,
            "file_form": file_form,
            "link_form": link_form,
            "can_write": access.can_write(request.user, assessment) and assessment.is_editable,
            "nav": "assessments",
        },
    )


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    assessment = access.visible_assessment(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, assessment=assessment, kind=Evidence.Kind.FILE)
    response = FileResponse(
        evidence.file.open("rb"),
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
        services.delete_evidence(evidence=evidence, by=request.user)
        messages.success(request, _("Removed from the evidence library."))
    except ValidationError as exc:
        add_messages(request, exc)
    return redirect("assessments:evidence", pk=assessment.pk)
