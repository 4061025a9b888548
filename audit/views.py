"""The administrators' audit log page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import access, selectors
from .forms import EventFilterForm


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """Every event, newest first, filtered by event, person, country and dates."""
    access.require_log_viewer(request.user)
    form = EventFilterForm(request.GET or None)
    page = selectors.page_of(selectors.events(**form.filters()), request.GET.get("page"))
    return render(request, "audit/events.html", {"form": form, "page": page, "nav": "audit"})
