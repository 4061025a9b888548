"""The history of an assessment's other records, for the team and (after submission) reviewers:
national measures, technical-assistance needs, operational data and evidence, in words."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .. import access, history
from ..models import Evidence, NationalMeasure, OperationalData, TechnicalAssistanceNeed

KINDS: dict[str, Any] = {
    "measure": NationalMeasure,
    "ta-need": TechnicalAssistanceNeed,
    "data": OperationalData,
    "evidence": Evidence,
}


@login_required
def record_history(request: HttpRequest, pk: int, kind: str, record_pk: int) -> HttpResponse:
    """Another country's assessment, a draft for a reviewer, or a record of another assessment is
    a 404, as everywhere."""
    assessment = access.visible_assessment(request.user, pk)
    model = KINDS.get(kind)
    if model is None:
        raise Http404("No such kind of record.")
    record = get_object_or_404(model, pk=record_pk, assessment=assessment)
    versions = list(
        record.history.select_related("history_user").order_by("-history_date", "-history_id")[:200]
    )
    return render(
        request,
        "assessments/record_history.html",
        {
            "assessment": assessment,
            "record": record,
            "kind_label": model._meta.verbose_name,
            "entries": history.entries(
                versions, model, history.breakdown_parts(record.pk) if model is OperationalData else ()
            ),
            "nav": "assessments",
        },
    )
