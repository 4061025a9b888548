"""The gap analysis page and how its scores are computed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from assessments import access

from . import charts, gap


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
            "nav": "assessments",
        },
    )


def how_scores(request: HttpRequest) -> HttpResponse:
    rules = (gap.__doc__ or "").split("How scores are computed", 1)[-1].strip("-\n ")
    items = [
        line.strip()[2:] for line in rules.replace("\n  ", " ").splitlines() if line.strip().startswith("* ")
    ]
    return render(request, "reports/how_scores.html", {"rules": items})
