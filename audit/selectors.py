"""Reading the audit log: the filtered events, newest first, for the pages of every app."""

from __future__ import annotations

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from .models import Event

PER_PAGE = 50


def events(
    *,
    country: str = "",
    action: str = "",
    person: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Event]:
    """Events matching every filter given (``person``: part of the e-mail; ``until``: that day included)."""
    found = Event.objects.order_by("-at", "-pk")
    if country:
        found = found.filter(country=country.upper())
    if action:
        found = found.filter(action=action)
    if person:
        found = found.filter(actor_label__icontains=person.strip())
    if since:
        found = found.filter(at__gte=_midnight(since))
    if until:
        found = found.filter(at__lt=_midnight(until + datetime.timedelta(days=1)))
    return found


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def page_of(events: QuerySet[Event], number: str | None) -> Page[Event]:
    """One page of the events (``number`` as the request gave it; a wrong one gives the nearest page)."""
    return Paginator(events, PER_PAGE).get_page(number)
