"""Logging plumbing: expected refusals are one line, real errors keep their traceback."""

from __future__ import annotations

import logging


class ExpectedRefusalsWithoutTraceback(logging.Filter):
    """Drop the traceback of a request answered below 500 (a 403, a 404, a refused body).

    Django logs a 403 raised as ``PermissionDenied`` with the exception attached; for a portal where
    every other country's object is refused, that is a wall of tracebacks that hides the real errors.
    The line itself (status, path) is kept.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
