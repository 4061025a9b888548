"""A signed-in session ends after 30 minutes idle and 12 hours at most; nothing typed is lost."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from assessments import services
from assessments.models import Answer
from portal.sessions import SEEN, STARTED
from tests.factories import CountryFactory, api_token, build_catalogue, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    country = CountryFactory(code="XSS")
    team = make_team(country, "ss")
    a = services.create_assessment(
        country=country, cycle=2026, framework=build_catalogue(), by=team["coordinator"]
    )
    return {"a": a, "user": team["contributor"]}


def signed_in(user: Any, *, started_ago: float = 0, seen_ago: float = 0) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    assert STARTED in session and SEEN in session  # the clocks start at sign-in
    now = time.time()
    session[STARTED], session[SEEN] = now - started_ago, now - seen_ago
    session.save()
    return client


def test_a_session_in_use_stays_signed_in(world: dict[str, Any]) -> None:
    client = signed_in(world["user"], started_ago=3600, seen_ago=25 * 60)
    assert client.get(f"/assessments/{world['a'].pk}/").status_code == 200
    assert time.time() - client.session[SEEN] < 5  # the request counts as activity


def test_thirty_minutes_idle_signs_out_with_a_message(world: dict[str, Any]) -> None:
    client = signed_in(world["user"], seen_ago=settings.SESSION_IDLE_SECONDS + 60)
    response = client.get(f"/assessments/{world['a'].pk}/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_twelve_hours_after_sign_in_the_session_ends_even_if_active(world: dict[str, Any]) -> None:
    client = signed_in(world["user"], started_ago=settings.SESSION_ABSOLUTE_SECONDS + 60, seen_ago=10)
    response = client.get("/assessments/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_autosave_after_the_timeout_is_refused_with_401_and_changes_nothing(world: dict[str, Any]) -> None:
    a = world["a"]
    answer = Answer.objects.filter(assessment=a).first()
    assert answer is not None
    client = signed_in(world["user"], seen_ago=settings.SESSION_IDLE_SECONDS + 60)
    response = client.post(
        f"/assessments/{a.pk}/answers/{answer.pk}/", {"version": 1, "narrative": "typed before the timeout"}
    )
    assert response.status_code == 401  # the page keeps the text and sends it after the next sign-in
    answer.refresh_from_db()
    assert answer.narrative == ""


def test_api_tokens_have_no_session_clock(world: dict[str, Any]) -> None:
    token = api_token(world["user"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"/api/v1/assessments/{world['a'].pk}/").status_code == 200
