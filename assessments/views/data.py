"""Operational data on the requirement page: a year's value (autosave) and a count's breakdown."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from framework.models import DisaggregationDimension, Item

from .. import access, selectors, services
from ..models import Assessment, OperationalData
from .responses import add_messages, autosave_login_required, error_messages, partial_or_page, save_status


@autosave_login_required
@require_http_methods(["GET", "POST"])
def data_save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """GET: the indicator's earlier years (loaded on request). POST: autosave of one year's value."""
    assessment = access.visible_assessment(request.user, pk)
    indicator = get_object_or_404(
        Item, framework=assessment.framework, code=code, kind=Item.Kind.OPERATIONAL_INDICATOR
    )
    if request.method == "GET":
        return _earlier_years(request, assessment, indicator)
    access.require_write(request.user, assessment)
    post = request.POST
    try:
        period = int(post.get("period", ""))
        base = post.get("version", "")
        base_version = int(base) if base else None
    except ValueError:
        return save_status(request, "error", [_("Give the year as a number, e.g. 2025.")], status=422)
    values = {f: post.get(f, "") for f in services.DATA_FIELDS if f in post}
    values.setdefault("not_collected", "")
    try:
        row = services.save_data(
            assessment=assessment,
            indicator=indicator,
            period=period,
            by=access.signed_in(request.user),
            base_version=base_version,
            values=values,
        )
    except services.Conflict as conflict:
        return _data_conflict(request, conflict)
    except services.ReadOnly as exc:
        return save_status(request, "error", error_messages(exc), status=423)
    except ValidationError as exc:
        return save_status(request, "error", error_messages(exc), status=422)
    if not request.headers.get("HX-Request"):
        return redirect(
            reverse("assessments:requirement", args=[pk, indicator.requirement.code]) + f"#{code}"
        )
    response = save_status(request, "saved", [])
    response["X-Version"] = str(row.version)
    response["X-Data-Id"] = str(row.pk)
    return response


def _earlier_years(request: HttpRequest, assessment: Assessment, indicator: Item) -> HttpResponse:
    """The years before the latest ones the page shows, loaded when the user asks for them."""
    rows = OperationalData.objects.filter(assessment=assessment, indicator=indicator).prefetch_related(
        "breakdowns"
    )
    context = {
        "assessment": assessment,
        "item": indicator,
        "rows": list(rows.order_by("-period")[selectors.RECENT_YEARS :]),
        "can_write": access.can_write(request.user, assessment) and assessment.is_editable,
    }
    return render(request, "assessments/_data_rows.html", context)


def _data_conflict(request: HttpRequest, conflict: services.Conflict) -> HttpResponse:
    msg = _("Someone else saved this year's figure meanwhile. Reload to see it; your entry is kept below.")
    response = save_status(request, "conflict", [msg], status=409)
    if conflict.current is not None:
        response["X-Version"] = str(conflict.current.version)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def breakdown_save(request: HttpRequest, pk: int, data_pk: int) -> HttpResponse:
    """GET: the breakdown form (loaded when the user opens it). POST: save the breakdown."""
    assessment = access.visible_assessment(request.user, pk)
    data = get_object_or_404(
        OperationalData.objects.select_related("indicator__requirement").prefetch_related("breakdowns"),
        pk=data_pk,
        assessment=assessment,
    )
    target = (
        reverse("assessments:requirement", args=[pk, data.indicator.requirement.code])
        + f"#{data.indicator.code}"
    )
    if request.method == "GET":
        return _breakdown_form(request, assessment, data, back=target)
    access.require_write(request.user, assessment)
    parts: dict[int, Any] = {
        int(k.removeprefix("cat_")): v
        for k, v in request.POST.items()
        if k.startswith("cat_") and k[4:].isdigit()
    }
    try:
        services.set_breakdowns(
            data_id=data.pk,
            by=access.signed_in(request.user),
            base_version=int(request.POST.get("version", "0")),
            parts=parts,
        )
    except services.Conflict:
        messages.error(
            request,
            _(
                "Someone else changed this figure meanwhile; your breakdown was not saved. Check and enter it again."
            ),
        )
    except ValidationError as exc:
        add_messages(request, exc)
    else:
        messages.success(request, _("Breakdown saved."))
    return redirect(target)


def _breakdown_form(
    request: HttpRequest, assessment: Assessment, data: OperationalData, *, back: str
) -> HttpResponse:
    """The breakdown form, every dimension's categories with the values recorded so far."""
    values = {b.category_id: b.value for b in data.breakdowns.all()}
    dimensions = DisaggregationDimension.objects.prefetch_related("categories")
    rows = [(dim, [(cat, values.get(cat.pk, "")) for cat in dim.categories.all()]) for dim in dimensions]
    context = {
        "assessment": assessment,
        "row": data,
        "dimensions": rows,
        "can_write": access.can_write(request.user, assessment) and assessment.is_editable,
        "back": back,
        "nav": "assessments",
    }
    return partial_or_page(request, "assessments/_breakdown_form.html", "assessments/breakdown.html", context)
