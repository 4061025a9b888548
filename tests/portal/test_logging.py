"""Expected refusals are logged as one line; real errors keep their traceback."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tests.factories import CountryFactory, UserFactory

pytestmark = pytest.mark.django_db


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a real bug")


urlpatterns = [path("broken/", broken)]


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the portal's configured console handler writes."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)  # type: ignore[arg-type]


def test_a_refused_page_is_one_line_without_traceback(console: io.StringIO) -> None:
    client = Client()
    client.force_login(UserFactory())  # not a reviewer
    assert client.get("/assessments/secretariat/").status_code == 403
    assert client.get("/assessments/999999/").status_code == 404
    assert client.get(f"/assessments/teams/{CountryFactory().code}/").status_code in {403, 404}
    out = console.getvalue()
    assert "Forbidden" in out and "Not Found" in out
    assert "Traceback" not in out
    assert "PermissionDenied" not in out


def test_a_refused_api_call_is_one_line_without_traceback(console: io.StringIO) -> None:
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/api/v1/secretariat/").status_code == 403
    assert client.get("/api/v1/assessments/999999/").status_code == 404
    assert "Traceback" not in console.getvalue()


@override_settings(ROOT_URLCONF=__name__)
def test_a_real_error_keeps_its_traceback(console: io.StringIO, settings: Any) -> None:
    client = Client(raise_request_exception=False)
    assert client.get("/broken/").status_code == 500
    out = console.getvalue()
    assert "Traceback" in out and "RuntimeError: a real bug" in out
