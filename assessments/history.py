"""An answer's history in words: field labels, human values and legal references as citations,
and the stored reason of each change in the reader's language.

The stored history stays as it was written (field names, codes, JSON); only its reading is
translated here, so a change made in French reads in Arabic for an Arabic reviewer.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Answer

# What the services write as a change reason, and how it reads.
REASONS = {
    "assessment created": gettext_lazy("assessment created"),
    "confirmed carried-over answer": gettext_lazy("carried-over answer confirmed"),
}
CHANGED = "changed "
# One person's saves closer together than this are one change to the reader (autosave writes a
# version at every pause in typing).
SESSION_GAP = datetime.timedelta(minutes=5)


def sessions(records: Sequence[Any]) -> list[list[Any]]:
    """Historical records, newest first, grouped into runs of one person's saves, each within
    ``SESSION_GAP`` of the next; the record that created the answer stands alone."""
    groups: list[list[Any]] = []
    for n, record in enumerate(records):
        is_creation = n == len(records) - 1
        if groups and not is_creation:
            last = groups[-1][-1]
            if (
                last.history_user_id == record.history_user_id
                and last.history_date - record.history_date <= SESSION_GAP
            ):
                groups[-1].append(record)
                continue
        groups.append([record])
    return groups


def field_label(field: str) -> str:
    return model_field_label(Answer, field)


def reason(stored: str | None) -> str:
    """'changed status, narrative' -> 'changed: status, narrative' in the reader's language."""
    if not stored:
        return ""
    if stored in REASONS:
        return str(REASONS[stored])
    if stored.startswith(CHANGED):
        fields = [field_label(f.strip()) for f in stored[len(CHANGED) :].split(",") if f.strip()]
        return _("changed: %(fields)s") % {"fields": ", ".join(fields)}
    return stored


def citation(reference: Mapping[str, Any]) -> str:
    """One legal reference as a reader cites it: 'Penal Code, art. 5, adopted 1 March 2020, https://…'."""
    parts = [str(reference.get("instrument") or "").strip()]
    if article := str(reference.get("article") or "").strip():
        parts.append(article)
    if adopted := str(reference.get("adopted_on") or "").strip():
        try:
            parts.append(_("adopted %(date)s") % {"date": date_format(datetime.date.fromisoformat(adopted))})
        except ValueError:
            parts.append(adopted)
    if url := str(reference.get("url") or "").strip():
        parts.append(url)
    return ", ".join(p for p in parts if p)


def value_text(field: str, value: Any, users: Mapping[int, str]) -> str:
    """A stored value as the page shows it: a status's label, a person's address, citations."""
    if value in (None, "", []):
        return ""
    if field == "status":
        return str(dict(Answer.Status.choices).get(value, value))
    if field == "legal_references" and isinstance(value, list):
        return "\n".join(citation(r) for r in value if isinstance(r, Mapping))
    if field == "assignee":
        return users.get(value, _("(a former member)"))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


# What a reader of a record's history does not need: keys, versions and bookkeeping.
HIDDEN_FIELDS = {"id", "version", "updated_by", "updated_at", "created_by", "created_at", "assessment"}


def model_field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name.replace("_", " ")


def model_value_text(model: type[models.Model], name: str, value: Any) -> str:
    """A stored value of ``model.name`` as words: a choice's label, the related object, yes/no."""
    if value in (None, "", []):
        return ""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))  # type: ignore[union-attr]
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()  # type: ignore[union-attr]
        return str(related) if related is not None else _("(removed)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def entries(
    records: list[Any], model: type[models.Model], parts: Sequence[Part] = ()
) -> list[dict[str, Any]]:
    """A record's stored versions, newest first, as changes in words; one person's saves minutes
    apart read as one change (``sessions``). ``parts`` are changes to the record's own parts (a
    count's breakdown), each read with the save of the record that came with it."""
    out = []
    for group in sessions(records):
        position = records.index(group[-1])
        older = records[position + 1] if position + 1 < len(records) else None
        newer = group[0]
        diff = newer.diff_against(older).changes if older is not None else []
        changes = [
            {
                "field": model_field_label(model, c.field),
                "old": model_value_text(model, c.field, c.old),
                "new": model_value_text(model, c.field, c.new),
            }
            for c in diff
            if c.field not in HIDDEN_FIELDS
        ]
        changes += [
            part.change
            for part in parts
            if part.date <= newer.history_date and (older is None or part.date > older.history_date)
        ]
        out.append({"record": newer, "saves": len(group), "is_creation": older is None, "changes": changes})
    return out


@dataclass(frozen=True)
class Part:
    """A change to one part of a record, with the moment it was saved."""

    date: datetime.datetime
    change: dict[str, str]


def breakdown_parts(data_pk: int) -> list[Part]:
    """The changes to a count's breakdown, each category's value before and after, read with the
    save it came with (a save that left a category as it was is no change)."""
    from .models import Breakdown

    records = list(
        Breakdown.history.filter(data_id=data_pk)
        .select_related("category__dimension")
        .order_by("history_date", "history_id")
    )
    current: dict[int, int | None] = {}
    out = []
    for record in records:
        old = current.get(record.category_id)
        new = None if record.history_type == "-" else record.value
        current[record.category_id] = new
        if old == new:
            continue
        category = record.category
        label = _("Breakdown by %(dimension)s: %(category)s") % {
            "dimension": category.dimension.name,
            "category": category.name,
        }
        change = {
            "field": label,
            "old": "" if old is None else str(old),
            "new": "" if new is None else str(new),
        }
        out.append(Part(date=record.history_date, change=change))
    return out
