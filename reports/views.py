"""The gap analysis page and how its scores are computed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import access

from . import charts, gap, services
from .models import ReportJob


@login_required
def gap_page(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    result = gap.gap_analysis(assessment)
    return render(
        request,
        "reports/gap.html",
        {
            "assessment": assessment,
            "gap": result,
            # The drawing module escapes every label it writes.
            "bars": mark_safe(charts.pillar_bars(result["pillars"])),  # noqa: S308
            "strip_standards": mark_safe(charts.heat_strip(result["requirements"], key="standards")),  # noqa: S308
            "strip_measures": mark_safe(charts.heat_strip(result["requirements"], key="measures")),  # noqa: S308
            "jobs": ReportJob.objects.filter(assessment=assessment).order_by("-requested_at")[:5],
            "may_request": access.may_request_report(request.user, assessment),
            "nav": "assessments",
        },
    )


def how_scores(request: HttpRequest) -> HttpResponse:
    rules = (gap.__doc__ or "").split("How scores are computed", 1)[-1].strip("-\n ")
    items = [
        line.strip()[2:] for line in rules.replace("\n  ", " ").splitlines() if line.strip().startswith("* ")
    ]
    return render(request, "reports/how_scores.html", {"rules": items})


# --- report jobs ---------------------------------------------------------------------------------


@login_required
@require_POST
def request_report(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    if not access.may_request_report(request.user, assessment):
        raise PermissionDenied(_("Reports are requested by the national coordinator or a UNODC reviewer."))
    job = services.request_report(assessment=assessment, by=request.user)
    return redirect(job)


def _job(request: HttpRequest, pk: int, job_pk: int) -> tuple[Any, ReportJob]:
    assessment = access.visible_assessment(request.user, pk)
    return assessment, get_object_or_404(ReportJob, pk=job_pk, assessment=assessment)


@login_required
def job_status(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    assessment, job = _job(request, pk, job_pk)
    template = "reports/_job.html" if request.headers.get("HX-Request") else "reports/job.html"
    return render(request, template, {"assessment": assessment, "job": job, "nav": "assessments"})


@login_required
def job_download(request: HttpRequest, pk: int, job_pk: int) -> HttpResponseBase:
    return pdf_download(_job(request, pk, job_pk)[1])


def pdf_download(job: ReportJob) -> HttpResponseBase:
    """The finished PDF as an attachment (pages and API); 404 while it is not ready."""
    if job.state != ReportJob.State.DONE or not job.file:
        raise Http404("The report is not ready.")
    name = f"tip-gap-analysis-{job.assessment.country.code}-{job.assessment.cycle}.pdf"
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
