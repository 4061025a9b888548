"""The navigation every page shares: the Secretariat link follows a reviewer everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from assessments import services
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

pytestmark = pytest.mark.django_db

SECRETARIAT_LINK = 'href="/assessments/secretariat/"'


@pytest.fixture
def submitted() -> Any:
    """A submitted assessment (a reviewer sees it) and the country's team."""
    country = CountryFactory(code="XNV")
    team = make_team(country, "nav")
    fw = build_catalogue()
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    services.transition(assessment_id=a.pk, by=team["coordinator"], action="submit", confirm_open=True)
    return a, team


def pages(assessment: Any) -> list[str]:
    code = assessment.framework.code
    return [
        f"/framework/{code}/",
        f"/framework/{code}/requirements/1.1/",
        "/assessments/",
        f"/assessments/{assessment.pk}/",
        f"/assessments/{assessment.pk}/evidence/",
    ]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_reviewer_sees_the_secretariat_link_on_every_page(submitted: Any) -> None:
    assessment, _ = submitted
    client = signed_in(make_reviewer())
    for url in [*pages(assessment), "/assessments/secretariat/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRETARIAT_LINK in response.content.decode(), url


def test_country_members_and_anonymous_visitors_never_see_the_secretariat_link(submitted: Any) -> None:
    assessment, team = submitted
    clients = [Client(), *(signed_in(user) for user in team.values())]
    for client in clients:
        for url in pages(assessment):
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            assert SECRETARIAT_LINK not in response.content.decode(), url
