"""Operational data: an indicator's value per year, and a count's breakdown."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from framework.models import DisaggregationCategory, Item

from ..exceptions import Conflict
from ..models import Assessment, Breakdown, OperationalData
from ..texts import clean_text, field_limit
from .assessments import require_editable

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
    by: User,
    base_version: int | None,
    values: Mapping[str, Any],
) -> OperationalData:
    """Record an operational indicator's value for a year. ``base_version`` None means a new row."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    require_editable(assessment)
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
    row._history_user = by  # type: ignore[attr-defined]
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
    *, data_id: int, by: User, base_version: int, parts: Mapping[int, int | None]
) -> OperationalData:
    """Replace a count's breakdown; the parts along any one dimension may not exceed the total."""
    data = (
        OperationalData.objects.select_for_update().select_related("assessment", "indicator").get(pk=data_id)
    )
    require_editable(data.assessment)
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
        b._history_user = by  # type: ignore[attr-defined]
        if category_id not in clean:
            b.delete()
        elif b.value != clean[category_id]:
            b.value = clean[category_id]
            b.save()
    for category_id, value in clean.items():
        if category_id not in existing:
            part = Breakdown(data=data, category_id=category_id, value=value)
            part._history_user = by  # type: ignore[attr-defined]
            part.save()
    data.version += 1
    data.updated_by = by
    data._history_user = by  # type: ignore[attr-defined]
    data.save(update_fields=["version", "updated_by", "updated_at"])
    return data
