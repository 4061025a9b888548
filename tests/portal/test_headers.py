"""Headers that hold for every answer: no-store for signed-in people, a Permissions-Policy for all."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from assessments import services
from tests.factories import CountryFactory, api_token, build_catalogue, make_reviewer, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment() -> Any:
    country = CountryFactory(code="XHH")
    team = make_team(country, "h")
    fw = build_catalogue()
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    a.team = team  # type: ignore[attr-defined]
    return a


def no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_and_api_answer_to_a_signed_in_person_is_not_stored(assessment: Any) -> None:
    client = Client()
    client.force_login(assessment.team["observer"])
    code = assessment.framework.requirements.get(code="1.1").code
    for url in (
        "/assessments/",
        f"/assessments/{assessment.pk}/",
        f"/assessments/{assessment.pk}/requirements/{code}/",
        f"/assessments/{assessment.pk}/evidence/",
        f"/reports/assessments/{assessment.pk}/gap-analysis/",
        f"/framework/{assessment.framework.code}/",
        "/api/v1/assessments/",
        f"/api/v1/assessments/{assessment.pk}/answers/",
        "/assessments/999999/",  # a refusal, too
    ):
        response = client.get(url)
        assert response.status_code in {200, 302, 404}, url
        assert no_store(response), f"{url}: {response.get('Cache-Control')!r}"


def test_api_answers_to_a_token_are_not_stored(assessment: Any) -> None:
    token = api_token(assessment.team["coordinator"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(f"/api/v1/assessments/{assessment.pk}/")
    assert response.status_code == 200
    assert no_store(response)


def test_the_public_catalogue_stays_cacheable_for_visitors(assessment: Any) -> None:
    response = Client().get(f"/framework/{assessment.framework.code}/")
    assert response.status_code == 200
    assert not no_store(response)


def test_every_answer_has_a_permissions_policy(assessment: Any) -> None:
    reviewer = make_reviewer()
    signed_in = Client()
    signed_in.force_login(reviewer)
    for client, url in (
        (Client(), "/framework/"),
        (Client(), "/accounts/login/"),
        (Client(), "/api/v1/frameworks/"),
        (signed_in, "/assessments/secretariat/"),
        (Client(), "/healthz"),
    ):
        policy = client.get(url).get("Permissions-Policy", "")
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy, url
