"""The language a person reads the portal in: chosen in one action on any page, kept in their
profile once they are signed in, and theirs again at their next sign-in on any computer.

``LocaleMiddleware`` reads the browser's choice (the language cookie, then Accept-Language);
for a signed-in person ``PreferredLanguage`` then applies the profile's, which sign-in copied into
the session, so no page pays a query for it.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views.i18n import set_language as django_set_language

from .models import Profile

SESSION_KEY = "portal_language"
TIME_ZONE_KEY = "portal_time_zone"
CHOICES = {code for code, _name in settings.LANGUAGES}


def language_of(user: Any) -> str:
    """The language to write to ``user`` in: their profile's, else the portal's default."""
    try:
        language = user.profile.language
    except Profile.DoesNotExist:
        language = ""
    return language if language in CHOICES else settings.LANGUAGE_CODE


def remember(request: HttpRequest, profile: Profile) -> None:
    """The profile's language (when chosen) and time zone, for the session's next pages."""
    if profile.language in CHOICES:
        request.session[SESSION_KEY] = profile.language
    request.session[TIME_ZONE_KEY] = profile.time_zone


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (cookie, redirect to ``next``), and the profile remembers it."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and language in CHOICES and request.user.is_authenticated:
        profile, _created = Profile.objects.update_or_create(
            user=request.user, defaults={"language": language}
        )
        remember(request, profile)
    return response


def adopt_profile_language(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: a language chosen on this computer before signing in (the language
    cookie, which only a choice sets) becomes the profile's; otherwise the profile's language is
    the session's, and a person who never chose keeps the language they signed in with."""
    if not hasattr(request, "session"):
        return
    profile, _created = Profile.objects.get_or_create(user=user)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in CHOICES and chosen != profile.language:
        profile.language = chosen
        profile.save(update_fields=["language"])
    elif not profile.language:
        current = translation.get_language() or settings.LANGUAGE_CODE
        profile.language = current if current in CHOICES else settings.LANGUAGE_CODE
        profile.save(update_fields=["language"])
    remember(request, profile)


class PreferredLanguage:
    """After the session and authentication: a signed-in person's own language and time zone for the request,
    and the language cookie set to it, so the pages after sign-out stay in it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        zone = session.get(TIME_ZONE_KEY) if session is not None else None
        if zone in zoneinfo.available_timezones():
            timezone.activate(zoneinfo.ZoneInfo(zone))  # times are shown in the person's own zone
        else:
            timezone.deactivate()
        language = session.get(SESSION_KEY) if session is not None else None
        if language not in CHOICES:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
