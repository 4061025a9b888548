"""What the services raise besides ``ValidationError``; the API maps each to its status code."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class Conflict(Exception):
    """Someone else saved since the version this change was based on."""

    def __init__(self, current: Any) -> None:
        super().__init__("stale version")
        self.current = current


class ReadOnly(ValidationError):
    """The assessment is not open for editing in its present state."""

    conflict = True  # the API answers 409 (portal.api.exception_handler)


class StateError(ValidationError):
    """The assessment is not in a state from which this step can be taken (e.g. a double click)."""

    conflict = True  # the API answers 409 (portal.api.exception_handler)
