"""Answers to framework indicators and implementation measures, with the evidence they cite."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..exceptions import Conflict
from ..models import Answer, AnswerEvidence, Assessment, Evidence, Membership
from ..texts import clean_text, field_limit
from .assessments import require_editable

ANSWER_FIELDS = ("status", "narrative", "justification", "legal_references", "assignee")
# A legal reference is a row of the answer's JSON list, not a model: its limits are written here.
# (The date has none: it is checked as a date.)
LEGAL_REFERENCE_LIMITS: dict[str, int | None] = {
    "instrument": 500,
    "article": 200,
    "adopted_on": None,
    "url": 1000,
}
LEGAL_REFERENCE_PARTS = {
    "instrument": gettext_lazy("instrument"),
    "article": gettext_lazy("article"),
    "adopted_on": gettext_lazy("date of adoption"),
    "url": gettext_lazy("web address"),
}


def clean_legal_references(value: Any) -> list[dict[str, str]]:
    """A list of {instrument, article, adopted_on (YYYY-MM-DD), url}; blank rows dropped."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError({"legal_references": _("Legal references must be a list.")})
    cleaned = []
    url_ok = URLValidator(schemes=["http", "https"])
    for n, ref in enumerate(value, start=1):
        if not isinstance(ref, Mapping):
            raise ValidationError({"legal_references": _("Reference %(n)s is not well formed.") % {"n": n}})
        row = {}
        for key, limit in LEGAL_REFERENCE_LIMITS.items():
            try:
                row[key] = clean_text(ref.get(key) or "", field=key, limit=limit, strip=True)
            except ValidationError as exc:
                raise ValidationError(
                    {
                        "legal_references": _("Reference %(n)s, %(part)s: %(message)s")
                        % {"n": n, "part": LEGAL_REFERENCE_PARTS[key], "message": exc.messages[0]}
                    }
                ) from None
        if not any(row.values()):
            continue
        if not row["instrument"]:
            raise ValidationError(
                {"legal_references": _("Reference %(n)s needs the instrument's name.") % {"n": n}}
            )
        if row["adopted_on"]:
            try:
                datetime.date.fromisoformat(row["adopted_on"])
            except ValueError:
                raise ValidationError(
                    {
                        "legal_references": _("Reference %(n)s: give the date of adoption as YYYY-MM-DD.")
                        % {"n": n}
                    }
                ) from None
        if row["url"]:
            try:
                url_ok(row["url"])
            except ValidationError:
                raise ValidationError(
                    {
                        "legal_references": _(
                            "Reference %(n)s: the address must start with http:// or https://."
                        )
                        % {"n": n}
                    }
                ) from None
        cleaned.append(row)
    return cleaned


def _clean_answer_changes(answer: Answer, changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(ANSWER_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    out: dict[str, Any] = {}
    if "status" in changes:
        allowed = {value for value, _label in answer.statuses}
        if changes["status"] not in allowed:
            raise ValidationError({"status": _("Choose one of the statuses offered for this item.")})
        out["status"] = changes["status"]
    for field in ("narrative", "justification"):
        if field in changes:
            out[field] = clean_text(changes[field], field=field, limit=field_limit(Answer, field))
    if "legal_references" in changes:
        out["legal_references"] = clean_legal_references(changes["legal_references"])
    if "assignee" in changes and str(getattr(changes["assignee"], "pk", changes["assignee"]) or "") != str(
        answer.assignee_id or ""
    ):
        assignee = changes["assignee"]
        if assignee in (None, ""):
            out["assignee"] = None
        else:
            member = (
                Membership.objects.filter(
                    country_id=answer.assessment.country_id,
                    user_id=getattr(assignee, "pk", assignee),
                    role__in=(Membership.Role.COORDINATOR, Membership.Role.CONTRIBUTOR),
                )
                .select_related("user")
                .first()
            )
            if member is None:
                raise ValidationError(
                    {"assignee": _("Assign the item to a coordinator or contributor of the team.")}
                )
            out["assignee"] = member.user
    status = out.get("status", answer.status)
    justification = out.get("justification", answer.justification)
    if status in Answer.NEEDS_JUSTIFICATION and not justification.strip():
        raise ValidationError(
            {
                "justification": _("Say why: “%(status)s” needs a justification.")
                % {"status": Answer.Status(status).label}
            }
        )
    return out


@transaction.atomic
def save_answer(
    *,
    answer_id: int,
    by: User,
    base_version: int,
    changes: Mapping[str, Any],
    assessment: Assessment | None = None,
    evidence_ids: Iterable[int] | None = None,
) -> Answer:
    """Apply ``changes`` to an answer saved at ``base_version``; a stale version raises ``Conflict``.

    With ``evidence_ids``, the answer cites exactly that evidence afterwards, in the same
    transaction: anything refused leaves the answer, its version and its links unchanged.
    With ``assessment``, an answer of any other assessment is ``Answer.DoesNotExist``.
    """
    rows = Answer.objects.select_for_update().select_related("assessment")
    if assessment is not None:
        rows = rows.filter(assessment=assessment)
    answer = rows.get(pk=answer_id)
    require_editable(answer.assessment)
    if answer.version != base_version:
        raise Conflict(answer)
    cleaned = _clean_answer_changes(answer, changes)
    cited = None if evidence_ids is None else _citable_evidence(answer, evidence_ids)
    current = {f: getattr(answer, "assignee_id" if f == "assignee" else f) for f in cleaned}
    changed = [f for f, v in cleaned.items() if current[f] != (getattr(v, "pk", v) if f == "assignee" else v)]
    if cited is not None:
        _link_evidence(answer, cited, by)
    if not changed and not answer.carried_over:
        return answer
    for field, value in cleaned.items():
        setattr(answer, field, value)
    # Saving a carried-over answer, changed or not, is the team confirming it.
    answer.carried_over = False
    answer.version += 1
    answer.updated_by = by
    answer._change_reason = "changed " + ", ".join(changed) if changed else "confirmed carried-over answer"  # type: ignore[attr-defined]
    answer._history_user = by  # type: ignore[attr-defined]  # the history names who saved, whatever the request
    answer.save()
    return answer


@transaction.atomic
def confirm_carried_over(
    *, assessment: Assessment, by: User, requirement_id: int, answer_ids: Iterable[int] | None = None
) -> int:
    """Confirm carried-over answers of one requirement as they stand: those of ``answer_ids``, or
    all of them; one transaction. Each confirmation is a version of its own in the history. Answers
    not carried over (changed or confirmed since) are left alone. Returns how many were confirmed."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    require_editable(locked)
    rows = Answer.objects.select_for_update().filter(
        assessment=locked, item__requirement_id=requirement_id, carried_over=True
    )
    if answer_ids is not None:
        rows = rows.filter(pk__in=list(answer_ids))
    count = 0
    for answer in rows.order_by("item__position"):
        answer.carried_over = False
        answer.version += 1
        answer.updated_by = by
        answer._change_reason = "confirmed carried-over answer"  # type: ignore[attr-defined]
        answer._history_user = by  # type: ignore[attr-defined]
        answer.save()
        count += 1
    return count


@transaction.atomic
def set_answer_evidence(*, answer_id: int, by: User, evidence_ids: Iterable[int]) -> Answer:
    """Cite exactly these pieces of the assessment's evidence library from the answer."""
    answer = Answer.objects.select_for_update().select_related("assessment").get(pk=answer_id)
    require_editable(answer.assessment)
    _link_evidence(answer, _citable_evidence(answer, evidence_ids), by)
    return answer


def _citable_evidence(answer: Answer, evidence_ids: Iterable[int]) -> set[int]:
    wanted = set(evidence_ids)
    found = set(
        Evidence.objects.filter(assessment=answer.assessment, pk__in=wanted).values_list("pk", flat=True)
    )
    if found != wanted:
        raise ValidationError({"evidence": _("Only evidence from this assessment's library can be cited.")})
    return found


def _link_evidence(answer: Answer, evidence_ids: set[int], by: User) -> None:
    existing = {link.evidence_id: link for link in AnswerEvidence.objects.filter(answer=answer)}
    # One row at a time, not evidence.set(): each link and unlink goes into the history, by name.
    for evidence_id, link in existing.items():
        if evidence_id not in evidence_ids:
            link._history_user = by  # type: ignore[attr-defined]
            link.delete()
    for evidence_id in evidence_ids - set(existing):
        link = AnswerEvidence(answer=answer, evidence_id=evidence_id)
        link._history_user = by  # type: ignore[attr-defined]
        link.save()
