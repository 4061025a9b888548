"""URL converters that every app's routes share; portal/urls.py registers them before any include."""

from __future__ import annotations


class CodeConverter:
    """A catalogue code such as 1.4 or 1.4.IM3."""

    regex = r"[0-9]+(?:\.[0-9]+)(?:\.[A-Z]{1,2}[0-9]+)?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
