"""Writes to assessments. Every one is a keyword-only function that owns its transaction.

Views, API views, admin actions and commands call these; permissions are checked by the
caller through ``access``, state rules and validation here. A stale version raises
``Conflict`` carrying the current row, so nothing is ever overwritten silently.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import filetype
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from framework.models import DisaggregationCategory, Framework, Item

from .models import (
    INDICATOR_STATUSES,
    MEASURE_STATUSES,
    Answer,
    AnswerEvidence,
    Assessment,
    Breakdown,
    Country,
    Evidence,
    Finding,
    FindingReply,
    Membership,
    NationalMeasure,
    OperationalData,
    TechnicalAssistanceNeed,
    Transition,
)
from .notifications import notify
from .texts import clean_text, clean_text_fields, field_limit, remove_controls

User = get_user_model()


class Conflict(Exception):
    """Someone else saved since the version this change was based on."""

    def __init__(self, current: Any) -> None:
        super().__init__("stale version")
        self.current = current


class ReadOnly(ValidationError):
    """The assessment is not open for editing in its present state."""


def _require_editable(assessment: Assessment) -> None:
    if not assessment.is_editable:
        raise ReadOnly(
            _("This assessment is %(state)s and can no longer be changed.")
            % {"state": assessment.get_state_display().lower()}
        )


# --- assessments --------------------------------------------------------------------------------

# One answer for a prefill source that is missing, hidden from the user or another country's, in
# the service, the page's form and the API alike, so it never tells whether an id exists.
PREFILL_REFUSED = gettext_lazy("Choose one of this country's assessments to start from.")


@transaction.atomic
def create_assessment(
    *, country: Country, cycle: int, framework: Framework, by: Any, prefill_from: Assessment | None = None
) -> Assessment:
    """A new assessment with an empty answer for every assessed item, optionally prefilled."""
    if not 2000 <= cycle <= 2100:
        raise ValidationError({"cycle": _("Give the cycle as a year between 2000 and 2100.")})
    if prefill_from is not None and prefill_from.country_id != country.pk:
        raise ValidationError({"prefill_from": PREFILL_REFUSED})
    if Assessment.objects.filter(country=country, cycle=cycle, framework=framework).exists():
        raise ValidationError(
            {
                "cycle": _("%(country)s already has an assessment for %(cycle)s.")
                % {"country": country, "cycle": cycle}
            }
        )
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                country=country, cycle=cycle, framework=framework, created_by=by, previous=prefill_from
            )
    except IntegrityError:
        raise ValidationError(
            {
                "cycle": _("%(country)s already has an assessment for %(cycle)s.")
                % {"country": country, "cycle": cycle}
            }
        ) from None
    items = Item.objects.filter(framework=framework, kind__in=Item.ASSESSED_KINDS).only("pk", "code", "kind")
    carried: dict[str, Answer] = {}
    if prefill_from is not None:
        carried = {
            a.item.code: a
            for a in prefill_from.answers.select_related("item").exclude(status=Answer.Status.NOT_ASSESSED)
        }
    answers = []
    for item in items:
        previous = carried.get(item.code)
        answer = Answer(assessment=assessment, item=item, kind=item.kind, updated_by=by)
        if previous is not None and previous.kind == item.kind:
            answer.status = previous.status
            answer.narrative = previous.narrative
            answer.justification = previous.justification
            answer.legal_references = previous.legal_references
            answer.carried_over = True
        answers.append(answer)
    # With history from the start, so an item's history shows where it began (and what was carried over).
    bulk_create_with_history(answers, Answer, default_user=by, default_change_reason="assessment created")
    return assessment


# --- answers ------------------------------------------------------------------------------------

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
    by: Any,
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
    _require_editable(answer.assessment)
    if answer.version != base_version:
        raise Conflict(answer)
    cleaned = _clean_answer_changes(answer, changes)
    cited = None if evidence_ids is None else _citable_evidence(answer, evidence_ids)
    current = {f: getattr(answer, "assignee_id" if f == "assignee" else f) for f in cleaned}
    changed = [f for f, v in cleaned.items() if current[f] != (getattr(v, "pk", v) if f == "assignee" else v)]
    if cited is not None:
        _link_evidence(answer, cited)
    if not changed and not answer.carried_over:
        return answer
    for field, value in cleaned.items():
        setattr(answer, field, value)
    # Saving a carried-over answer, changed or not, is the team confirming it.
    answer.carried_over = False
    answer.version += 1
    answer.updated_by = by
    answer._change_reason = "changed " + ", ".join(changed) if changed else "confirmed carried-over answer"  # type: ignore[attr-defined]
    answer.save()
    return answer


@transaction.atomic
def set_answer_evidence(*, answer_id: int, by: Any, evidence_ids: Iterable[int]) -> Answer:
    """Cite exactly these pieces of the assessment's evidence library from the answer."""
    answer = Answer.objects.select_for_update().select_related("assessment").get(pk=answer_id)
    _require_editable(answer.assessment)
    _link_evidence(answer, _citable_evidence(answer, evidence_ids))
    return answer


def _citable_evidence(answer: Answer, evidence_ids: Iterable[int]) -> set[int]:
    wanted = set(evidence_ids)
    found = set(
        Evidence.objects.filter(assessment=answer.assessment, pk__in=wanted).values_list("pk", flat=True)
    )
    if found != wanted:
        raise ValidationError({"evidence": _("Only evidence from this assessment's library can be cited.")})
    return found


def _link_evidence(answer: Answer, evidence_ids: set[int]) -> None:
    existing = {link.evidence_id: link for link in AnswerEvidence.objects.filter(answer=answer)}
    # One row at a time, not evidence.set(): each link and unlink goes into the history.
    for evidence_id, link in existing.items():
        if evidence_id not in evidence_ids:
            link.delete()
    for evidence_id in evidence_ids - set(existing):
        AnswerEvidence.objects.create(answer=answer, evidence_id=evidence_id)


# --- operational data ---------------------------------------------------------------------------

DATA_FIELDS = (
    "value_count",
    "value_amount",
    "currency",
    "value_bool",
    "value_text",
    "source",
    "method",
    "not_collected",
    "not_collected_reason",
)


def _to_bool(value: Any) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"yes", "true", "1", "on"}:
        return True
    if text in {"no", "false", "0", "off"}:
        return False
    raise ValidationError({"value_bool": _("Answer yes or no.")})


def _clean_data(indicator: Item, values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(DATA_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    out: dict[str, Any] = {f: None for f in ("value_count", "value_amount", "value_bool")}
    out.update({f: "" for f in ("currency", "value_text", "source", "method", "not_collected_reason")})
    out["not_collected"] = bool(_to_bool(values.get("not_collected")) or False)
    out["source"] = clean_text(
        values.get("source"), field="source", limit=field_limit(OperationalData, "source"), strip=True
    )
    method = str(values.get("method") or "")
    if method and method not in OperationalData.Method.values:
        raise ValidationError({"method": _("Choose recorded or estimated.")})
    out["method"] = method
    if out["not_collected"]:
        reason = clean_text(
            values.get("not_collected_reason"),
            field="not_collected_reason",
            limit=field_limit(OperationalData, "not_collected_reason"),
            strip=True,
        )
        if not reason:
            raise ValidationError({"not_collected_reason": _("Say why the data is not collected.")})
        out["not_collected_reason"] = reason
        return out
    kind = indicator.answer_type
    if kind == Item.AnswerType.COUNT:
        raw = values.get("value_count")
        if raw not in (None, ""):
            try:
                count = int(str(raw).replace(",", "").replace(" ", ""))
            except ValueError:
                raise ValidationError({"value_count": _("Give a whole number.")}) from None
            if count < 0:
                raise ValidationError({"value_count": _("A count cannot be negative.")})
            out["value_count"] = count
    elif kind == Item.AnswerType.AMOUNT:
        raw = values.get("value_amount")
        if raw not in (None, ""):
            try:
                amount = Decimal(str(raw).replace(",", "").replace(" ", ""))
            except InvalidOperation:
                raise ValidationError({"value_amount": _("Give an amount, e.g. 250000.00.")}) from None
            if amount < 0 or amount.as_tuple().exponent < -2 or amount >= Decimal("1e16"):  # type: ignore[operator]
                raise ValidationError(
                    {"value_amount": _("Give a positive amount with at most two decimals.")}
                )
            currency = str(values.get("currency") or "").strip().upper()
            if not re.fullmatch(r"[A-Z]{3}", currency):
                raise ValidationError(
                    {"currency": _("Give the currency as a three-letter ISO 4217 code, e.g. USD.")}
                )
            out["value_amount"], out["currency"] = amount, currency
    elif kind == Item.AnswerType.YES_NO:
        out["value_bool"] = _to_bool(values.get("value_bool"))
    if kind in (Item.AnswerType.NARRATIVE, Item.AnswerType.YES_NO):
        out["value_text"] = clean_text(
            values.get("value_text"), field="value_text", limit=field_limit(OperationalData, "value_text")
        )
    return out


@transaction.atomic
def save_data(
    *,
    assessment: Assessment,
    indicator: Item,
    period: int,
    by: Any,
    base_version: int | None,
    values: Mapping[str, Any],
) -> OperationalData:
    """Record an operational indicator's value for a year. ``base_version`` None means a new row."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_editable(assessment)
    if indicator.framework_id != assessment.framework_id or indicator.kind != Item.Kind.OPERATIONAL_INDICATOR:
        raise ValidationError(_("That is not an operational indicator of this assessment's framework."))
    if not 1990 <= int(period) <= 2100:
        raise ValidationError({"period": _("Give the year between 1990 and 2100.")})
    cleaned = _clean_data(indicator, values)
    row = (
        OperationalData.objects.select_for_update()
        .filter(assessment=assessment, indicator=indicator, period=period)
        .first()
    )
    if row is None:
        if base_version is not None:
            raise Conflict(None)
        row = OperationalData(assessment=assessment, indicator=indicator, period=period)
    else:
        if base_version != row.version:
            raise Conflict(row)
        row.version += 1
    for field, value in cleaned.items():
        setattr(row, field, value)
    row.updated_by = by
    row.save()
    if row.value_count is not None:
        _check_breakdowns(row, {b.category_id: b.value for b in row.breakdowns.all()})
    elif row.breakdowns.exists():
        row.breakdowns.all().delete()
    return row


def _check_breakdowns(data: OperationalData, parts: Mapping[int, int]) -> None:
    categories = DisaggregationCategory.objects.select_related("dimension").in_bulk(list(parts))
    per_dimension: dict[str, int] = defaultdict(int)
    for category_id, value in parts.items():
        per_dimension[categories[category_id].dimension.name] += value
    total = data.value_count or 0
    for dimension, subtotal in sorted(per_dimension.items()):
        if subtotal > total:
            raise ValidationError(
                {
                    "breakdowns": _(
                        "The parts by %(dimension)s add up to %(parts)s, more than the total of %(total)s."
                    )
                    % {"dimension": dimension.lower(), "parts": f"{subtotal:,}", "total": f"{total:,}"}
                }
            )


@transaction.atomic
def set_breakdowns(
    *, data_id: int, by: Any, base_version: int, parts: Mapping[int, int | None]
) -> OperationalData:
    """Replace a count's breakdown; the parts along any one dimension may not exceed the total."""
    data = (
        OperationalData.objects.select_for_update().select_related("assessment", "indicator").get(pk=data_id)
    )
    _require_editable(data.assessment)
    if data.version != base_version:
        raise Conflict(data)
    if data.indicator.answer_type != Item.AnswerType.COUNT or data.value_count is None:
        raise ValidationError(
            {"breakdowns": _("Only a recorded count can be broken down; give the total first.")}
        )
    clean: dict[int, int] = {}
    for category_id, value in parts.items():
        if value in (None, ""):
            continue
        try:
            number = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationError({"breakdowns": _("Give whole numbers.")}) from None
        if number < 0:
            raise ValidationError({"breakdowns": _("A part cannot be negative.")})
        clean[int(category_id)] = number
    if len(DisaggregationCategory.objects.filter(pk__in=clean)) != len(clean):
        raise ValidationError({"breakdowns": _("Unknown category.")})
    _check_breakdowns(data, clean)
    existing = {b.category_id: b for b in data.breakdowns.all()}
    for category_id, b in existing.items():
        if category_id not in clean:
            b.delete()
        elif b.value != clean[category_id]:
            b.value = clean[category_id]
            b.save()
    for category_id, value in clean.items():
        if category_id not in existing:
            Breakdown.objects.create(data=data, category_id=category_id, value=value)
    data.version += 1
    data.updated_by = by
    data.save(update_fields=["version", "updated_by", "updated_at"])
    return data


# --- evidence -----------------------------------------------------------------------------------

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/tiff": "tif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "text/plain": "txt",
    "text/csv": "csv",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_NAMES = {".txt": "text/plain", ".csv": "text/csv"}


def sniff(head: bytes, name: str) -> str | None:
    """The file's type read from its first bytes, or None if it is not a type the library accepts."""
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in ALLOWED_TYPES:
            return kind.mime
        if kind.mime == "application/zip":
            return _sniff_zip_office(head)
        return None
    if head.startswith(_OLE):  # legacy Word/Excel/PowerPoint container
        ext = name.lower().rsplit(".", 1)[-1]
        return {
            "doc": "application/msword",
            "xls": "application/vnd.ms-excel",
            "ppt": "application/vnd.ms-powerpoint",
        }.get(ext)
    suffix = "." + name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix in _TEXT_NAMES and _looks_like_plain_text(head):
        return _TEXT_NAMES[suffix]
    return None


def _sniff_zip_office(head: bytes) -> str | None:
    for marker, mime in (
        (b"mimetypeapplication/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text"),
        (
            b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (
            b"mimetypeapplication/vnd.oasis.opendocument.presentation",
            "application/vnd.oasis.opendocument.presentation",
        ),
        (b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ):
        if marker in head:
            return mime
    return None


def _looks_like_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return False
    # HTML, SVG or XML renamed .txt would be served as text, but refuse it: it is not what it claims
    # to be. Look through the whole head, not only its first bytes: a byte-order mark, a comment or a
    # line of prose before the markup must not hide it.
    return _MARKUP.search(text) is None


_MARKUP = re.compile(
    r"<\s*(?:!doctype|\?xml|html|head|body|script|iframe|frame|frameset|svg|math|object|embed|"
    r"style|meta|link|base|form|img|video|audio|template)(?=[\s/>])",
    re.IGNORECASE,
)


def _evidence_text(field: str, value: str, *, strip: bool = True) -> str:
    return clean_text(value, field=field, limit=field_limit(Evidence, field), strip=strip)


@transaction.atomic
def add_file_evidence(
    *, assessment: Assessment, by: Any, upload: UploadedFile, title: str = "", description: str = ""
) -> Evidence:
    """Store an uploaded file privately under a generated name, with its sniffed type and SHA-256."""
    _require_editable(assessment)
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB.")
                % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
            }
        )
    upload.seek(0)
    head = upload.read(8192)
    # The file's own name is kept for downloads, shortened if need be: it is not text the user typed.
    name = remove_controls(upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "file"
    mime = sniff(head, name)
    if mime is None:
        raise ValidationError(
            {
                "file": _(
                    "This file's content is not a PDF, Office or OpenDocument file, image, CSV or text file."
                )
            }
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        assessment=assessment,
        kind=Evidence.Kind.FILE,
        title=_evidence_text("title", title) or name[: field_limit(Evidence, "title")],
        description=_evidence_text("description", description),
        original_name=name,
        content_type=mime,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    transaction.on_commit(lambda: None)
    return evidence


@transaction.atomic
def add_link_evidence(
    *, assessment: Assessment, by: Any, url: str, title: str, description: str = ""
) -> Evidence:
    _require_editable(assessment)
    url = _evidence_text("url", url)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": _("Give a web address starting with http:// or https://.")}) from None
    title = _evidence_text("title", title)
    if not title:
        raise ValidationError({"title": _("Give the link a title.")})
    return Evidence.objects.create(
        assessment=assessment,
        kind=Evidence.Kind.LINK,
        url=url,
        title=title,
        description=_evidence_text("description", description),
        uploaded_by=by,
    )


@transaction.atomic
def delete_evidence(*, evidence: Evidence, by: Any) -> None:
    _require_editable(evidence.assessment)
    if Answer.objects.filter(evidence=evidence).exists():
        raise ValidationError(_("This evidence is cited by an answer; remove it from the answers first."))
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage if evidence.file else None
    evidence.delete()
    if stored and storage is not None:
        transaction.on_commit(lambda: storage.delete(stored))


# --- national measures and technical assistance needs -------------------------------------------


@transaction.atomic
def save_national_measure(*, measure: NationalMeasure, by: Any) -> NationalMeasure:
    _require_editable(measure.assessment)
    if measure.requirement.framework_id != measure.assessment.framework_id:
        raise ValidationError({"requirement": _("Choose a requirement of this assessment's framework.")})
    if measure.pk is None:
        measure.created_by = by
    clean_text_fields(measure)
    measure.full_clean(exclude=["created_by", "assessment"])
    measure.save()
    return measure


@transaction.atomic
def save_ta_need(*, need: TechnicalAssistanceNeed, by: Any) -> TechnicalAssistanceNeed:
    _require_editable(need.assessment)
    if need.requirement.framework_id != need.assessment.framework_id:
        raise ValidationError({"requirement": _("Choose a requirement of this assessment's framework.")})
    if need.item is not None and need.item.requirement_id != need.requirement_id:
        raise ValidationError({"item": _("The item must belong to the requirement.")})
    if need.pk is None:
        need.created_by = by
    clean_text_fields(need)
    need.full_clean(exclude=["created_by", "assessment"])
    need.save()
    return need


# --- teams --------------------------------------------------------------------------------------


@transaction.atomic
def add_member(*, country: Country, email: str, role: str, by: Any) -> Membership:
    """Add a person to the country's team, creating their account (without a password) if needed."""
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        from django.core.validators import validate_email

        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Give a valid e-mail address.")}) from None
    # The address is also the account's user name, which has the shorter limit.
    clean_text(email, field="email", limit=field_limit(User, "username"))
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(username=email, email=email)
        user.set_unusable_password()
        user.save()
    membership, created = Membership.objects.get_or_create(
        user=user, country=country, defaults={"role": role, "invited_by": by}
    )
    if not created:
        raise ValidationError({"email": _("%(email)s is already in the team.") % {"email": email}})
    return membership


@transaction.atomic
def change_member_role(*, membership: Membership, role: str, by: Any) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    _keep_a_coordinator(membership, new_role=role)
    membership.role = role
    membership.save()
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, by: Any) -> None:
    _keep_a_coordinator(membership, new_role=None)
    Answer.objects.filter(assessment__country=membership.country, assignee=membership.user).update(
        assignee=None
    )
    membership.delete()


def _keep_a_coordinator(membership: Membership, *, new_role: str | None) -> None:
    if membership.role != Membership.Role.COORDINATOR or new_role == Membership.Role.COORDINATOR:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(country=membership.country, role=Membership.Role.COORDINATOR)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(_("A team needs at least one national coordinator."))


# --- workflow: submission and review ------------------------------------------------------------

State = Assessment.State

# action: (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((State.DRAFT, State.RETURNED), State.SUBMITTED),
    "start_review": ((State.SUBMITTED,), State.IN_REVIEW),
    "return": ((State.IN_REVIEW,), State.RETURNED),
    "accept": ((State.IN_REVIEW,), State.ACCEPTED),
}
NOTIFY = {"submit": "submitted", "return": "returned", "accept": "accepted"}


class StateError(ValidationError):
    """The assessment is not in a state from which this step can be taken (e.g. a double click)."""


def open_items(assessment: Assessment) -> list[Answer]:
    """Items still 'not yet assessed', in the Framework's order."""
    return list(
        Answer.objects.filter(assessment=assessment, status=Answer.Status.NOT_ASSESSED)
        .select_related("item__requirement")
        .order_by("item__pillar__number", "item__requirement__position", "item__kind_order", "item__position")
    )


@transaction.atomic
def transition(
    *, assessment_id: int, by: Any, action: str, comment: str = "", confirm_open: bool = False
) -> Assessment:
    """Take one workflow step. Concurrent or repeated requests produce exactly one transition."""
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown step."))
    comment = clean_text(comment, field="comment", limit=field_limit(Transition, "comment"), strip=True)
    sources, target = TRANSITIONS[action]
    assessment = Assessment.objects.select_for_update().select_related("country").get(pk=assessment_id)
    if assessment.state not in sources:
        raise StateError(
            _("This assessment is %(state)s: it cannot be %(step)s now.")
            % {"state": assessment.get_state_display().lower(), "step": STEP_NAMES[action]}
        )
    if action == "submit" and not confirm_open and open_items(assessment):
        raise ValidationError(
            {"confirm_open": _("Some items are not yet assessed. Confirm that you submit with them open.")}
        )
    if (
        action == "return"
        and not Finding.objects.filter(assessment=assessment, status=Finding.Status.OPEN).exists()
    ):
        raise ValidationError(_("Write at least one finding for the country to answer before returning it."))
    Transition.objects.create(
        assessment=assessment,
        from_state=assessment.state,
        to_state=target,
        by=by,
        comment=comment,
    )
    assessment.state = target
    assessment._change_reason = action  # type: ignore[attr-defined]
    assessment.save(update_fields=["state", "updated_at"])
    if action in NOTIFY:
        notify(kind=NOTIFY[action], assessment=assessment)
    return assessment


STEP_NAMES = {
    "submit": "submitted",
    "start_review": "taken into review",
    "return": "returned",
    "accept": "accepted",
}


def _review_open(assessment: Assessment) -> None:
    if assessment.state not in (State.SUBMITTED, State.IN_REVIEW):
        raise StateError(_("Findings are written while the assessment is submitted or in review."))


@transaction.atomic
def add_finding(
    *,
    assessment: Assessment,
    by: Any,
    requirement: Any,
    text: str,
    item: Item | None = None,
    rating: str = "",
) -> Finding:
    """A reviewer's finding on a requirement or one of its items, with an optional rating of their own."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _review_open(assessment)
    if requirement.framework_id != assessment.framework_id:
        raise ValidationError({"requirement": _("Choose a requirement of this assessment's framework.")})
    if item is not None and item.requirement_id != requirement.pk:
        raise ValidationError({"item": _("The item must belong to the requirement.")})
    text = clean_text(text, field="text", limit=field_limit(Finding, "text"), strip=True)
    if not text:
        raise ValidationError({"text": _("Write the finding.")})
    if rating:
        if item is None or not item.is_assessed:
            raise ValidationError(
                {"rating": _("A rating is given on a framework indicator or implementation measure.")}
            )
        allowed = INDICATOR_STATUSES if item.kind == Item.Kind.FRAMEWORK_INDICATOR else MEASURE_STATUSES
        if rating not in allowed or rating == Answer.Status.NOT_ASSESSED:
            raise ValidationError({"rating": _("Choose a rating that fits the item.")})
    finding = Finding.objects.create(
        assessment=assessment,
        requirement=requirement,
        item=item,
        text=text,
        rating=rating,
        created_by=by,
    )
    notify(kind="finding", assessment=assessment, finding=finding)
    return finding


@transaction.atomic
def reply_to_finding(*, finding: Finding, by: Any, text: str) -> FindingReply:
    if finding.assessment.state not in (State.IN_REVIEW, State.RETURNED, State.SUBMITTED):
        raise StateError(_("Replies are written while the assessment is under review or returned."))
    text = clean_text(text, field="text", limit=field_limit(FindingReply, "text"), strip=True)
    if not text:
        raise ValidationError({"text": _("Write the reply.")})
    return FindingReply.objects.create(finding=finding, author=by, text=text)


@transaction.atomic
def set_finding_status(*, finding: Finding, by: Any, resolved: bool) -> Finding:
    finding = Finding.objects.select_for_update().select_related("assessment").get(pk=finding.pk)
    if finding.assessment.state == State.ACCEPTED:
        raise StateError(_("The assessment is accepted; its findings are closed."))
    finding.status = Finding.Status.RESOLVED if resolved else Finding.Status.OPEN
    finding.resolved_by = by if resolved else None
    finding.resolved_at = timezone.now() if resolved else None
    finding.save()
    return finding
