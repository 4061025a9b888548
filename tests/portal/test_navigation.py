"""The navigation every page shares: the Secretariat link follows a reviewer everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import path

from assessments import services
from portal.urls import urlpatterns as portal_urls
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


def broken(request: Any) -> Any:
    raise RuntimeError("a bug behind an error page")


# This module is also a URL configuration: the portal's, and a page that fails.
urlpatterns = [path("broken/", broken), *portal_urls]


def test_error_pages_have_the_sites_header_navigation_and_a_way_back(submitted: Any) -> None:
    """403, 404 and 500 in the layout; the 500 needs nothing of the request (the database may be
    what failed)."""
    from django.core.exceptions import PermissionDenied
    from django.test import override_settings

    from portal import errors

    _, team = submitted
    client = Client()
    client.force_login(team["contributor"])
    missing = client.get("/assessments/999999/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert 'class="site-header"' in html and 'aria-label="Main"' in html
    assert 'href="/assessments/"' in html and "Not found" in html
    assert "999999" not in html  # nothing of the address asked for
    refused = errors.forbidden(client.get("/").wsgi_request, PermissionDenied())
    assert refused.status_code == 403 and b'class="site-header"' in refused.content
    with override_settings(ROOT_URLCONF=__name__):
        failed = Client(raise_request_exception=False).get("/broken/")
    assert failed.status_code == 500
    page = failed.content.decode()
    assert 'class="site-header"' in page and "Something went wrong on our side" in page
    assert 'href="/assessments/"' in page and "Traceback" not in page
