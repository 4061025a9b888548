from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from portal import numbers

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.734 -> '73%' ('73 %' in French); None -> '—' (nothing to count)."""
    return numbers.percent(share)


@register.filter
def heat(share: float | None) -> str:
    """A CSS class from 'heat-0' (nothing met) to 'heat-10' (all met); 'heat-none' if nothing counts."""
    return "heat-none" if share is None else f"heat-{round(share * 10)}"


@register.filter
def whole_percent(value: int | None) -> str:
    """A percentage already counted out of 100 (a job's progress): 40 -> '40%' ('40 %' in French)."""
    return numbers.percent(None if value is None else value / 100)


@register.filter
def status_label(code: str | None) -> str:
    """An answer's stored status ('not_met') as the reader's words ('Not met')."""
    from assessments.models import AnswerStatus

    if not code:
        return ""
    return str(dict(AnswerStatus.choices).get(code, code))


CHANGES = {
    "new": gettext_lazy("newly assessed"),
    "improved": gettext_lazy("improved"),
    "regressed": gettext_lazy("regressed"),
}


@register.filter
def change_label(code: str) -> str:
    """How an item moved since the previous cycle, in words."""
    return str(CHANGES.get(code, code))


@register.filter
def abbreviations(entries: Iterable[Mapping[str, Any]]) -> SafeString:
    """Organisations as their English abbreviations (the full name on hover, the name today beside
    a 2009 name that changed), listed the way the reader's language lists things: 'ILO, IOM and
    UNODC', 'ILO、IOM和UNODC', 'ILO وIOM وUNODC'."""
    marked = [
        format_html(
            '<abbr title="{}" lang="en">{}</abbr> ({})',
            e["name"],
            e["code"],
            str(gettext_lazy("today %(name)s")) % {"name": e["current_name"]},
        )
        if e.get("current_name")
        else format_html('<abbr title="{}" lang="en">{}</abbr>', e["name"], e["code"])
        for e in entries
    ]
    return mark_safe(numbers.listing(marked))  # noqa: S308 - each entry is escaped above


# What kind of document a stored content type is, in words (the library's accepted types).
FILE_KINDS = {
    "application/pdf": gettext_lazy("PDF document"),
    "image/png": gettext_lazy("image"),
    "image/jpeg": gettext_lazy("image"),
    "image/gif": gettext_lazy("image"),
    "image/webp": gettext_lazy("image"),
    "image/tiff": gettext_lazy("image"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": gettext_lazy("Word document"),
    "application/msword": gettext_lazy("Word document"),
    "application/vnd.oasis.opendocument.text": gettext_lazy("text document"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": gettext_lazy("spreadsheet"),
    "application/vnd.ms-excel": gettext_lazy("spreadsheet"),
    "application/vnd.oasis.opendocument.spreadsheet": gettext_lazy("spreadsheet"),
    "text/csv": gettext_lazy("spreadsheet"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": gettext_lazy("presentation"),
    "application/vnd.ms-powerpoint": gettext_lazy("presentation"),
    "application/vnd.oasis.opendocument.presentation": gettext_lazy("presentation"),
    "text/plain": gettext_lazy("text file"),
}


@register.filter
def file_kind(content_type: str) -> str:
    """'application/pdf' -> 'PDF document', in the reader's language ('file' for anything else)."""
    return str(FILE_KINDS.get(content_type, gettext_lazy("file")))


@register.filter
def citations(references: Iterable[Mapping[str, Any]]) -> str:
    """Legal references as a reader cites them, separated by semicolons."""
    from assessments.history import citation

    return "; ".join(c for c in (citation(r) for r in references) if c)
