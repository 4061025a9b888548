"""Dates in each language's own form, never an ambiguous all-numeric one; times with their zone."""

from __future__ import annotations

import datetime

import pytest
from django.utils import formats, translation

MOMENT = datetime.datetime(2026, 2, 12, 14, 30, tzinfo=datetime.UTC)
EXPECTED = {
    "en": ("12 February 2026", "12 Feb 2026"),
    "fr": ("12 février 2026", "12 février 2026"),
    "es": ("12 de febrero de 2026", "12 feb 2026"),
    "ru": ("12 февраля 2026 г.", "12 февраля 2026"),
    "ar": ("12 فبراير 2026", "12 فبراير 2026"),
    "zh-hans": ("2026年2月12日", "2026年2月12日"),
}


@pytest.mark.parametrize("language", list(EXPECTED))
def test_dates_name_the_month_in_each_language(language: str) -> None:
    with translation.override(language):
        long, short = (
            formats.date_format(MOMENT, "DATE_FORMAT"),
            formats.date_format(MOMENT, "SHORT_DATE_FORMAT"),
        )
        stamp = formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT")
    assert (long, short) == EXPECTED[language]
    assert "/" not in long + short and "12.02" not in short
    assert "14:30" in stamp and "UTC" in stamp
