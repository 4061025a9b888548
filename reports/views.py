"""The read-side pages: the gap analysis and how its scores are computed, report jobs, the
secretariat's dashboard, and the spreadsheet exports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

import audit
from assessments import access
from assessments.models import Assessment, Region
from assessments.models.statuses import INDICATOR_STATUSES, MEASURE_STATUSES, describe
from framework.models import Framework, Pillar

from . import charts, gap, services
from . import secretariat as sec
from .models import ReportJob
from .spreadsheets import assessment_workbook, matrix_workbook


@login_required
def gap_page(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    result = gap.gap_analysis(assessment)
    points = gap.series(assessment)
    return render(
        request,
        "reports/gap.html",
        {
            "assessment": assessment,
            "gap": result,
            "cycles": points,
            # The drawing module escapes every label it writes.
            "series": mark_safe(charts.series_chart(points)) if len(points) > 1 else "",  # noqa: S308
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
    return render(
        request,
        "reports/how_scores.html",
        {
            "recent_years": gap.RECENT_YEARS,
            "threshold": settings.GAP_COVERAGE_THRESHOLD,
            "scales": status_scales(),
        },
    )


def status_scales() -> list[tuple[str, list[tuple[str, str]]]]:
    """Both scales, each status with its label and what it means."""
    return [
        (_("Framework indicators (minimum standards)"), describe(INDICATOR_STATUSES)),
        (_("Implementation measures"), describe(MEASURE_STATUSES)),
    ]


# --- report jobs ---------------------------------------------------------------------------------


@login_required
@require_POST
def request_report(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    if not access.may_request_report(request.user, assessment):
        raise PermissionDenied(_("Reports are requested by the national coordinator or a UNODC reviewer."))
    kind = request.POST.get("kind", ReportJob.Kind.GAP_PDF)
    job = services.request_report(
        assessment=assessment,
        by=access.signed_in(request.user),
        kind=kind if kind in ReportJob.Kind.values else ReportJob.Kind.GAP_PDF,
        language=request.POST.get("language", ""),
    )
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
    return pdf_download(request, _job(request, pk, job_pk)[1])


def pdf_download(request: Any, job: ReportJob) -> HttpResponseBase:
    """The finished report (PDF or Word) as an attachment (pages and API), recorded in the audit
    log; 404 while it is not ready."""
    if job.state != ReportJob.State.DONE or not job.file:
        raise Http404("The report is not ready.")
    country, cycle = job.assessment.country, job.assessment.cycle
    handle = job.file.open("rb")
    audit.record(
        audit.Event.Action.REPORT_DOWNLOADED,
        request=request,
        target=job,
        label=format_lazy("{}, {} {}", ReportJob.Kind(job.kind).label, country.name, cycle),
        country=country.code,
    )
    name = f"tip-gap-analysis-{country.code}-{cycle}-{job.language}.{job.extension}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=job.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the secretariat -----------------------------------------------------------------------------


def _secretariat_data(request: HttpRequest) -> dict[str, Any]:
    """The filtered rows, their pillar matrix and the pillars, for the page and its export."""
    access.require_reviewer(request.user)
    rows, matrix = sec.filtered(request.GET)
    framework = Framework.objects.current()
    return {
        "rows": rows,
        "matrix": matrix,
        "pillars": list(Pillar.objects.filter(framework=framework).order_by("number")) if framework else [],
        "filters": {key: request.GET.get(key, "") for key in ("region", "state", "cycle", "q")},
        "regions": Region.choices,
        "states": [(st, Assessment.State(st).label) for st in sec.REVIEWED_STATES],
    }


@login_required
def secretariat(request: HttpRequest) -> HttpResponse:
    """Every country's current reviewed assessment, the review queue and the pillar matrix."""
    data = _secretariat_data(request)
    rows, matrix, pillars = data["rows"], data["matrix"], data["pillars"]
    now = timezone.now()
    for row in rows:
        row.days_waiting = (now - row.submitted_at).days if row.submitted_at else None
    empty = {"standards": None, "measures": None, "coverage": None, "enough_assessed": False}
    table = [(row, [matrix.get(row.pk, {}).get(p.number, empty) for p in pillars]) for row in rows]
    queue = sorted(
        (r for r in rows if r.state == Assessment.State.SUBMITTED), key=lambda r: r.submitted_at or now
    )
    return render(
        request,
        "reports/secretariat.html",
        {
            **data,
            "table": table,
            "queue": queue,
            "columns": _sort_columns(request.GET.get("sort", ""), pillars),
            "by_region": sec.regions(rows, matrix),
            "nav": "secretariat",
        },
    )


def _sort_columns(current: str, pillars: list[Pillar]) -> list[dict[str, Any]]:
    """The matrix's column headings: each sorts by its column, then the other way round."""
    labels = {
        "country": _("Country"),
        "cycle": _("Cycle"),
        "state": _("State"),
        "assessed": _("Assessed"),
        "findings": _("Open findings"),
        "activity": _("Last activity"),
        "waiting": _("Days since submission"),
    } | {f"p{p.number}": f"P{p.number}" for p in pillars}
    return [
        {
            "key": key,
            "label": label,
            "next": f"-{key}" if current == key else key,
            "aria_sort": "ascending" if current == key else "descending" if current == f"-{key}" else "",
            "pillar": next((p for p in pillars if f"p{p.number}" == key), None),
        }
        for key, label in labels.items()
    ]


# --- spreadsheet exports -------------------------------------------------------------------------


@login_required
def secretariat_export(request: HttpRequest) -> HttpResponse:
    data = _secretariat_data(request)
    audit.record(
        audit.Event.Action.SPREADSHEET_EXPORTED,
        request=request,
        label=gettext_lazy("Cross-country matrix"),
        rows=len(data["rows"]),
        **{key: value for key, value in data["filters"].items() if value},
    )
    return _xlsx(
        matrix_workbook(data["rows"], data["matrix"], data["pillars"]), "tip-secretariat-matrix.xlsx"
    )


@login_required
def assessment_export(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    content = assessment_workbook(assessment)
    audit.record(
        audit.Event.Action.SPREADSHEET_EXPORTED,
        request=request,
        target=assessment,
        label=f"{assessment.country.name} {assessment.cycle}",
        country=assessment.country.code,
    )
    name = f"tip-self-assessment-{assessment.country.code}-{assessment.cycle}.xlsx"
    return _xlsx(content, name)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
