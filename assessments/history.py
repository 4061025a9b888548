"""An answer's history in words: field labels, human values and legal references as citations,
and the stored reason of each change in the reader's language.

The stored history stays as it was written (field names, codes, JSON); only its reading is
translated here, so a change made in French reads in Arabic for an Arabic reviewer.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
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
    try:
        return str(getattr(Answer._meta.get_field(field), "verbose_name", field))
    except FieldDoesNotExist:
        return field.replace("_", " ")


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
