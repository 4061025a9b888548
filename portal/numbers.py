"""Numbers and lists in the reader's locale (CLDR, through Babel): "73 %" in French, "73%" in
English; "A, B and C", "A、B和C"."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from babel.core import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.numbers import format_percent
from django.conf import settings
from django.utils.translation import get_language, to_locale


@functools.cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def percent(share: float | None) -> str:
    """0.734 -> '73%' (in the current language's form); None -> '—' (nothing to count)."""
    if share is None:
        return "—"
    return format_percent(round(share, 2), locale=_locale(get_language() or settings.LANGUAGE_CODE))


def listing(items: Sequence[str]) -> str:
    """Items joined as the current language lists them ('A, B and C'; 'A、B和C')."""
    if not items:
        return ""
    return format_list(items, style="standard", locale=_locale(get_language() or settings.LANGUAGE_CODE))
