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
    """Organisations as their English abbreviations (the full name on hover), listed the way the
    reader's language lists things: 'ILO, IOM and UNODC', 'ILO、IOM和UNODC', 'ILO وIOM وUNODC'."""
    marked = [format_html('<abbr title="{}" lang="en">{}</abbr>', e["name"], e["code"]) for e in entries]
    return mark_safe(numbers.listing(marked))  # noqa: S308 - each entry is escaped above
