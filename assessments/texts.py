"""What happens to the text people type, decided once for every service that stores it.

Line ends become "\\n". A NUL byte (PostgreSQL cannot store it) or a broken surrogate is refused
with a message; the other C0 control characters but tab and newline, and DEL, are removed: they
are invisible, and XLSX (XML 1.0) cannot hold them. A text over its field's limit is refused with
a message naming the limit, never stored cut. Limits live once, as ``max_length`` on the model
fields.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# C0 controls but tab (\x09) and newline (\x0a), plus DEL. NUL and CR are handled before.
_REMOVED = re.compile(r"[\x01-\x08\x0b-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _n(number: int) -> str:
    """``number`` with the language's digit grouping: 5,000 in English, 5 000 in French."""
    return number_format(number, force_grouping=True)


def limit_hint(limit: int) -> str:
    """The sentence shown beside a field: "Up to 5,000 characters"."""
    return ngettext("Up to %(n)s character", "Up to %(n)s characters", limit) % {"n": _n(limit)}


def remove_controls(value: str) -> str:
    """The text with CRLF/CR as "\\n" and every control character but tab and newline removed
    (NUL too). For text that must always be written out, e.g. a spreadsheet cell."""
    return _REMOVED.sub("", value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""))


def clean_text(value: Any, *, field: str, limit: int | None, strip: bool = False) -> str:
    """``value`` as text to store under ``field``, or a ValidationError keyed by ``field``."""
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise ValidationError(
            {
                field: _(
                    "This text contains a null character, which cannot be stored. "
                    "Remove it (it often comes with text pasted from another program) and try again."
                )
            }
        )
    if _SURROGATE.search(text):
        raise ValidationError({field: _("This text contains characters that are not valid Unicode.")})
    text = remove_controls(text)
    if strip:
        text = text.strip()
    if limit is not None and len(text) > limit:
        raise ValidationError(
            {
                field: _("Keep this to %(limit)s characters or fewer (this text has %(length)s).")
                % {"limit": _n(limit), "length": _n(len(text))}
            }
        )
    return text


def field_limit(model: type[models.Model], name: str) -> int | None:
    """The ``max_length`` of a model's field: the one place a text's limit is written."""
    return getattr(model._meta.get_field(name), "max_length", None)


def clean_text_fields(instance: models.Model) -> None:
    """Apply ``clean_text`` to every text field of ``instance``, in place, with its own limit.

    Raises one ValidationError listing every field that is refused.
    """
    errors: dict[str, list[str]] = {}
    for f in instance._meta.concrete_fields:
        if not isinstance(f, models.CharField | models.TextField) or f.choices:
            continue
        value = getattr(instance, f.attname)
        if value is None:
            continue
        try:
            setattr(instance, f.attname, clean_text(value, field=f.name, limit=f.max_length))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
