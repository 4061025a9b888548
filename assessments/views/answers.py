"""The requirement page and its answers: autosave, cited evidence, and each answer's history."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from framework.models import Requirement

from .. import access, selectors, services
from ..forms import NationalMeasureForm
from ..models import Answer, Assessment
from .responses import autosave_login_required, error_messages, partial_or_page, save_status


@login_required
def requirement_page(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    context = selectors.requirement_context(assessment=assessment, code=code, user=request.user)
    return render(request, "assessments/requirement.html", {**context, "measure_form": NationalMeasureForm()})


def _visible_answer(request: HttpRequest, pk: int, answer_pk: int) -> tuple[Assessment, Answer]:
    assessment = access.visible_assessment(request.user, pk)
    answer = get_object_or_404(
        Answer.objects.select_related("item", "assignee"), pk=answer_pk, assessment=assessment
    )
    return assessment, answer


def _answer_changes(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    changes: dict[str, Any] = {}
    for field in ("status", "narrative", "justification"):
        if field in post:
            changes[field] = post[field]
    if "assignee" in post:
        changes["assignee"] = post["assignee"] or None
    if "legal_references" in post:
        try:
            changes["legal_references"] = json.loads(post["legal_references"] or "[]")
        except json.JSONDecodeError:
            raise ValidationError(
                {"legal_references": _("The legal references could not be read.")}
            ) from None
    elif "ref_instrument" in post:
        rows = zip(
            post.getlist("ref_instrument"),
            post.getlist("ref_article"),
            post.getlist("ref_adopted_on"),
            post.getlist("ref_url"),
            strict=False,
        )
        changes["legal_references"] = [
            {"instrument": i, "article": a, "adopted_on": d, "url": u} for i, a, d, u in rows
        ]
    return changes


@autosave_login_required
@require_http_methods(["GET", "POST"])
def answer_save(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """Autosave of one answer: 200 saved, 409 conflict (both texts shown), 422 invalid."""
    if request.method == "GET":
        assessment, answer = _visible_answer(request, pk, answer_pk)
        return _answer_fragment(request, assessment, answer)
    assessment = access.visible_assessment(request.user, pk)
    access.require_write(request.user, assessment)
    try:
        base_version = int(request.POST.get("version", ""))
    except ValueError:
        return save_status(request, "error", [_("The page is out of date; reload it.")], status=422)
    try:
        saved = services.save_answer(
            answer_id=answer_pk,
            by=access.signed_in(request.user),
            base_version=base_version,
            changes=_answer_changes(request),
            assessment=assessment,
        )
    except Answer.DoesNotExist:
        raise Http404("No such answer.") from None
    except services.Conflict as conflict:
        current = conflict.current
        response = render(
            request,
            "assessments/_conflict.html",
            {"answer": current, "mine": _answer_changes(request), "theirs_by": current.updated_by},
            status=409,
        )
        response["X-Version"] = str(current.version)
        return response
    except services.ReadOnly as exc:
        return save_status(request, "error", error_messages(exc), status=423)
    except ValidationError as exc:
        return save_status(request, "error", error_messages(exc), status=422)
    response = save_status(request, "saved", [], answer=saved)
    response["X-Version"] = str(saved.version)
    return response


def _answer_fragment(request: HttpRequest, assessment: Assessment, answer: Answer) -> HttpResponse:
    ctx = selectors.requirement_context(
        assessment=assessment, code=answer.item.requirement.code, user=request.user
    )
    pair = next((p for p in ctx["assessed"] if p[0].pk == answer.item_id), None)
    if pair is None:
        raise Http404
    ctx.update({"item": pair[0], "answer": pair[1]})
    response = render(request, "assessments/_answer.html", ctx)
    response["X-Version"] = str(answer.version)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def answer_evidence(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """GET: the form to cite evidence (loaded when opened). POST: save which evidence is cited."""
    assessment, answer = _visible_answer(request, pk, answer_pk)
    access.require_write(request.user, assessment)
    if request.method == "GET":
        cited = set(answer.evidence.values_list("pk", flat=True))
        library = [(e, e.pk in cited) for e in assessment.evidence.order_by("title")]
        context = {"assessment": assessment, "answer": answer, "library": library, "nav": "assessments"}
        return partial_or_page(request, "assessments/_cite_form.html", "assessments/cite.html", context)
    try:
        ids = [int(x) for x in request.POST.getlist("evidence")]
        services.set_answer_evidence(answer_id=answer.pk, by=access.signed_in(request.user), evidence_ids=ids)
    except (ValueError, ValidationError) as exc:
        errors = (
            error_messages(exc) if isinstance(exc, ValidationError) else [_("Choose evidence from the list.")]
        )
        if request.headers.get("HX-Request"):
            return save_status(request, "error", errors, status=422)
        for message in errors:
            messages.error(request, message)
    else:
        if request.headers.get("HX-Request"):
            return save_status(request, "saved", [], answer=answer)
        messages.success(request, _("Evidence updated."))
    return redirect(
        reverse("assessments:requirement", args=[assessment.pk, answer.item.requirement.code])
        + f"#{answer.item.code}"
    )


@login_required
def answer_history(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    assessment, answer = _visible_answer(request, pk, answer_pk)
    changes, links = selectors.answer_history(assessment=assessment, answer=answer)
    return render(
        request,
        "assessments/history.html",
        {
            "assessment": assessment,
            "answer": answer,
            "changes": changes,
            "links": links,
            "nav": "assessments",
        },
    )


@login_required
@require_POST
def confirm_carried(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Confirm carried-over answers of a requirement as they stand: the one posted as ``answer``,
    or, without it, every one still unchanged."""
    assessment = access.visible_assessment(request.user, pk)
    access.require_write(request.user, assessment)
    requirement = get_object_or_404(Requirement, framework=assessment.framework, code=code)
    chosen = request.POST.get("answer", "")
    if chosen and not chosen.isdigit():
        raise Http404("No such answer.")
    count = services.confirm_carried_over(
        assessment=assessment,
        by=access.signed_in(request.user),
        requirement_id=requirement.pk,
        answer_ids=[int(chosen)] if chosen else None,
    )
    messages.success(
        request,
        ngettext("%(n)s carried-over answer confirmed.", "%(n)s carried-over answers confirmed.", count)
        % {"n": count},
    )
    anchor = ""
    if chosen:
        anchor = "#" + str(
            Answer.objects.filter(pk=int(chosen), assessment=assessment)
            .values_list("item__code", flat=True)
            .first()
            or "assessed-title"
        )
    return redirect(reverse("assessments:requirement", args=[pk, code]) + anchor)
