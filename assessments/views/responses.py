"""What every assessment page shares: the htmx partial-or-page choice, the autosave status
fragment, a refused change's messages, and the autosave sign-in rule (401, not a redirect).
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def error_messages(exc: ValidationError) -> list[str]:
    """Every message of a ValidationError, field by field, as a person reads them."""
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def add_messages(request: HttpRequest, exc: ValidationError, level: int = messages.ERROR) -> None:
    """Show every message of a refused change on the next page."""
    for message in error_messages(exc):
        messages.add_message(request, level, message)


def partial_or_page(request: HttpRequest, partial: str, page: str, context: dict[str, Any]) -> HttpResponse:
    """The fragment for htmx (a form loaded when opened), the whole page for a plain link."""
    return render(request, partial if request.headers.get("HX-Request") else page, context)


def autosave_login_required(view: Any) -> Any:
    """Autosave requests answer 401 instead of redirecting: the page keeps the text and retries."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse(
                {"error": _("Your session has ended. Sign in again, then retry.")}, status=401
            )
        return view(request, *args, **kwargs)

    return wrapped


def save_status(
    request: HttpRequest, state: str, errors: list[str], status: int = 200, answer: Any = None
) -> HttpResponse:
    """The autosave status fragment: saved, or not saved with the reasons (the page shows it)."""
    return render(
        request,
        "assessments/_save_status.html",
        {"state": state, "errors": errors, "saved": answer},
        status=status,
    )
