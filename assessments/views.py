"""Pages of the assessment: list, dashboard, requirement form with autosave, evidence, team.

Every fetch goes through ``access.visible_assessment`` (another country's assessment is a 404,
byte for byte like a missing one), every write through ``access.require_write`` and a service.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from framework.models import DisaggregationDimension, Item, Requirement

from . import access, selectors, services
from .forms import (
    AssessmentCreateForm,
    EvidenceFileForm,
    EvidenceLinkForm,
    MemberForm,
    NationalMeasureForm,
    TechnicalAssistanceNeedForm,
)
from .models import (
    Answer,
    Assessment,
    Country,
    Evidence,
    Finding,
    Membership,
    NationalMeasure,
    OperationalData,
    TechnicalAssistanceNeed,
)
from .workflow import STEPS, steps_from

User = get_user_model()


def error_messages(exc: ValidationError) -> list[str]:
    """Every message of a ValidationError, field by field, as a person reads them."""
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def add_messages(request: HttpRequest, exc: ValidationError, level: int = messages.ERROR) -> None:
    """Show every message of a refused change on the next page."""
    for message in error_messages(exc):
        messages.add_message(request, level, message)


def partial_or_page(request: HttpRequest, partial: str, page: str, context: dict[str, Any]) -> HttpResponse:
    """The fragment for htmx (a form loaded when opened), the whole page for a plain link."""
    return render(request, partial if request.headers.get("HX-Request") else page, context)


def autosave_login_required(view: Any) -> Any:
    """Autosave requests answer 401 instead of redirecting: the page keeps the text and retries."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse(
                {"error": _("Your session has ended. Sign in again, then retry.")}, status=401
            )
        return view(request, *args, **kwargs)

    return wrapped


# --- list, create, dashboard ---------------------------------------------------------------------


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    assessments = (
        Assessment.objects.visible_to(request.user).with_progress().select_related("country", "framework")
    )
    coordinates = Country.objects.of_user(request.user, roles=(Membership.Role.COORDINATOR,)).exists()
    memberships = Membership.objects.filter(user_id=request.user.pk or 0).select_related("country")
    return render(
        request,
        "assessments/list.html",
        {
            "assessments": assessments,
            "can_create": coordinates,
            "memberships": memberships,
            "nav": "assessments",
        },
    )


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    form = AssessmentCreateForm(request.POST or None, user=request.user)
    if not form.fields["country"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("Only a national coordinator can start an assessment."))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.create_assessment(
                country=form.cleaned_data["country"],
                cycle=form.cleaned_data["cycle"],
                framework=form.cleaned_data["framework"],
                prefill_from=form.cleaned_data["prefill_from"],
                by=request.user,
            )
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("The assessment is ready to fill in."))
            return redirect(assessment)
    return render(request, "assessments/create.html", {"form": form, "nav": "assessments"})


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.visible_assessment(request.user, pk)
    show = request.GET.get("show", "")
    baseline = Assessment.objects.baseline_of(assessment).first()
    answers = Answer.objects.filter(assessment=assessment).select_related("item__requirement")
    return render(
        request,
        "assessments/dashboard.html",
        {
            "assessment": assessment,
            "pillars": selectors.pillar_progress(assessment=assessment),
            "requirements": selectors.requirement_progress(assessment=assessment),
            "mine": answers.filter(assignee_id=request.user.pk)[:50],
            "show": show,
            "baseline": baseline,
            "listing": selectors.dashboard_listing(
                assessment=assessment, user=request.user, show=show, baseline=baseline
            ),
            "can_write": access.can_write(request.user, assessment),
            "steps": available_steps(request.user, assessment),
            "transitions": assessment.transitions.select_related("by"),
            "findings": selectors.open_findings(assessment=assessment),
            "nav": "assessments",
        },
    )


def available_steps(user: Any, assessment: Assessment) -> list[tuple[str, str]]:
    """The workflow steps this user may take from the assessment's present state."""
    return [
        (action, str(STEPS[action].label))
        for action in steps_from(assessment.state)
        if access.may_take(user, assessment, action)
    ]


# --- the requirement page ------------------------------------------------------------------------


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
        return _status(request, "error", [_("The page is out of date; reload it.")], status=422)
    try:
        saved = services.save_answer(
            answer_id=answer_pk,
            by=request.user,
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
        return _status(request, "error", error_messages(exc), status=423)
    except ValidationError as exc:
        return _status(request, "error", error_messages(exc), status=422)
    response = _status(request, "saved", [], answer=saved)
    response["X-Version"] = str(saved.version)
    return response


def _status(
    request: HttpRequest, state: str, errors: list[str], status: int = 200, answer: Any = None
) -> HttpResponse:
    return render(
        request,
        "assessments/_save_status.html",
        {"state": state, "errors": errors, "saved": answer},
        status=status,
    )


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
        services.set_answer_evidence(answer_id=answer.pk, by=request.user, evidence_ids=ids)
    except (ValueError, ValidationError) as exc:
        errors = (
            error_messages(exc) if isinstance(exc, ValidationError) else [_("Choose evidence from the list.")]
        )
        if request.headers.get("HX-Request"):
            return _status(request, "error", errors, status=422)
        for message in errors:
            messages.error(request, message)
    else:
        if request.headers.get("HX-Request"):
            return _status(request, "saved", [], answer=answer)
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


# --- operational data ----------------------------------------------------------------------------


@autosave_login_required
@require_http_methods(["GET", "POST"])
def data_save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """GET: the indicator's earlier years (loaded on request). POST: autosave of one year's value."""
    assessment = access.visible_assessment(request.user, pk)
    indicator = get_object_or_404(
        Item, framework=assessment.framework, code=code, kind=Item.Kind.OPERATIONAL_INDICATOR
    )
    if request.method == "GET":
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
    access.require_write(request.user, assessment)
    post = request.POST
    try:
        period = int(post.get("period", ""))
        base = post.get("version", "")
        base_version = int(base) if base else None
    except ValueError:
        return _status(request, "error", [_("Give the year as a number, e.g. 2025.")], status=422)
    values = {f: post.get(f, "") for f in services.DATA_FIELDS if f in post}
    values.setdefault("not_collected", "")
    try:
        row = services.save_data(
            assessment=assessment,
            indicator=indicator,
            period=period,
            by=request.user,
            base_version=base_version,
            values=values,
        )
    except services.Conflict as conflict:
        msg = _(
            "Someone else saved this year's figure meanwhile. Reload to see it; your entry is kept below."
        )
        response = _status(request, "conflict", [msg], status=409)
        if conflict.current is not None:
            response["X-Version"] = str(conflict.current.version)
        return response
    except services.ReadOnly as exc:
        return _status(request, "error", error_messages(exc), status=423)
    except ValidationError as exc:
        return _status(request, "error", error_messages(exc), status=422)
    if not request.headers.get("HX-Request"):
        return redirect(
            reverse("assessments:requirement", args=[pk, indicator.requirement.code]) + f"#{code}"
        )
    response = _status(request, "saved", [])
    response["X-Version"] = str(row.version)
    response["X-Data-Id"] = str(row.pk)
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
        values = {b.category_id: b.value for b in data.breakdowns.all()}
        dimensions = DisaggregationDimension.objects.prefetch_related("categories")
        rows = [(dim, [(cat, values.get(cat.pk, "")) for cat in dim.categories.all()]) for dim in dimensions]
        context = {
            "assessment": assessment,
            "row": data,
            "dimensions": rows,
            "can_write": access.can_write(request.user, assessment) and assessment.is_editable,
            "back": target,
            "nav": "assessments",
        }
        return partial_or_page(
            request, "assessments/_breakdown_form.html", "assessments/breakdown.html", context
        )
    access.require_write(request.user, assessment)
    parts: dict[int, Any] = {
        int(k.removeprefix("cat_")): v
        for k, v in request.POST.items()
        if k.startswith("cat_") and k[4:].isdigit()
    }
    try:
        services.set_breakdowns(
            data_id=data.pk, by=request.user, base_version=int(request.POST.get("version", "0")), parts=parts
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


# --- evidence ------------------------------------------------------------------------------------


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


# --- national measures and TA needs --------------------------------------------------------------


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
        lambda m: services.save_national_measure(measure=m, by=request.user),
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
        lambda n: services.save_ta_need(need=n, by=request.user),
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
        label="national measure",
        save=lambda m: services.save_national_measure(measure=m, by=request.user),
        remove=lambda: services.delete_national_measure(measure=measure, by=request.user),
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
        label="technical assistance need",
        save=lambda n: services.save_ta_need(need=n, by=request.user),
        remove=lambda: services.delete_ta_need(need=need, by=request.user),
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


# --- team ----------------------------------------------------------------------------------------


@login_required
def team(request: HttpRequest, code: str) -> HttpResponse:
    country = Country.objects.of_user(request.user).filter(code=code).first()
    if country is None:
        raise Http404("No such team.")
    is_coordinator = access.is_coordinator(request.user, country)
    form = MemberForm()
    if request.method == "POST":
        access.require_coordinator(request.user, country)
        action = request.POST.get("action", "add")
        try:
            if action == "add":
                form = MemberForm(request.POST)
                if form.is_valid():
                    services.add_member(country=country, by=request.user, **form.cleaned_data)
                    messages.success(request, _("%(email)s added to the team.") % form.cleaned_data)
                    return redirect("assessments:team", code=code)
            else:
                membership = get_object_or_404(Membership, pk=request.POST.get("membership"), country=country)
                if action == "remove":
                    services.remove_member(membership=membership, by=request.user)
                    messages.success(request, _("Removed from the team."))
                elif action == "role":
                    services.change_member_role(
                        membership=membership, role=request.POST.get("role", ""), by=request.user
                    )
                    messages.success(request, _("Role changed."))
                return redirect("assessments:team", code=code)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message) if action == "add" else messages.error(request, message)
    members = (
        Membership.objects.filter(country=country).select_related("user").order_by("role", "user__email")
    )
    return render(
        request,
        "assessments/team.html",
        {
            "country": country,
            "members": members,
            "form": form,
            "is_coordinator": is_coordinator,
            "roles": Membership.Role.choices,
            "nav": "team",
        },
    )


# --- submission and review -----------------------------------------------------------------------


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
                by=request.user,
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
            "open_items": selectors.open_items(assessment=assessment) if action == "submit" else [],
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
            by=request.user,
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
        services.reply_to_finding(finding=finding, by=request.user, text=request.POST.get("text", ""))
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
            finding=finding, by=request.user, resolved=request.POST.get("resolved") == "1"
        )
    except ValidationError as exc:
        add_messages(request, exc)
    return redirect(
        reverse("assessments:requirement", args=[pk, finding.requirement.code]) + f"#finding-{finding.pk}"
    )
