"""How long a signed-in session lasts: it ends after ``SESSION_IDLE_SECONDS`` without a request
and ``SESSION_ABSOLUTE_SECONDS`` after sign-in, whatever happens in between.

A government official's session on a shared office computer must not stay open all afternoon.
Ending it loses nothing typed: the autosave endpoints answer 401, the page keeps the text, and it
is sent again once the person has signed in anew (see ``static/js/autosave.js``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

STARTED, SEEN = "portal_started", "portal_seen"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION = 60


def mark_signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the session's clocks start at sign-in."""
    if hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[SEEN] = now


def expired(session: Any, now: float) -> str:
    """Why the session has run out ("idle" or "absolute"), or "" while it is still good."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return ""
    if now - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if now - float(seen) > settings.SESSION_IDLE_SECONDS:
        return "idle"
    return ""


class SessionTimeouts:
    """Signs out a session that has run out, before the view runs; keeps the last-seen time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request: HttpRequest) -> None:
        session, now = request.session, time.time()
        why = expired(session, now)
        if why:
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)s minutes without activity. Sign in again to go on.")
                % {"minutes": settings.SESSION_IDLE_SECONDS // 60}
                if why == "idle"
                else _(
                    "You were signed out: a session lasts at most %(hours)s hours. Sign in again to go on."
                )
                % {"hours": settings.SESSION_ABSOLUTE_SECONDS // 3600},
            )
        elif session.get(STARTED) is None:  # a session from before these clocks
            session[STARTED] = session[SEEN] = now
        elif now - float(session[SEEN]) > SEEN_RESOLUTION:
            session[SEEN] = now
