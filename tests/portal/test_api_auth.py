"""API credentials: a bad or missing token is 401 with a challenge; a changed password revokes tokens."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from assessments import services
from portal.models import ApiToken
from tests.factories import CountryFactory, UserFactory, api_token, build_catalogue, make_team

pytestmark = pytest.mark.django_db

OLD_PASSWORD = "correct horse battery staple"  # the factories' password
NEW_PASSWORD = "a brand new passphrase for 2027"


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def member() -> Any:
    country = CountryFactory(code="XAA")
    team = make_team(country, "a")
    services.create_assessment(
        country=country, cycle=2026, framework=build_catalogue(), by=team["coordinator"]
    )
    return team["contributor"]


def test_a_made_up_token_is_401_with_a_challenge_on_private_and_public_endpoints() -> None:
    for url in ("/api/v1/assessments/", "/api/v1/frameworks/"):
        response = with_token("0123456789abcdef0123456789abcdef01234567").get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"


def test_no_credentials_on_a_private_endpoint_is_401_with_a_challenge() -> None:
    response = APIClient().get("/api/v1/assessments/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_real_token_still_works(member: Any) -> None:
    token = api_token(member)
    assert with_token(token).get("/api/v1/assessments/").status_code == 200


def test_a_session_still_works_and_its_writes_still_need_the_csrf_token(member: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get("/api/v1/assessments/").status_code == 200
    refused = client.post("/api/v1/assessments/", {"country": "XAA", "cycle": 2030, "framework": "x"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]


def test_the_token_endpoint_refuses_a_misspelt_field(member: Any) -> None:
    body = {"username": member.username, "password": OLD_PASSWORD, "pasword": OLD_PASSWORD}
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400 and set(response.json()) == {"pasword"}
    assert not ApiToken.objects.filter(user=member).exists()


def test_changing_the_password_on_its_page_revokes_the_token_and_keeps_the_session(member: Any) -> None:
    token = api_token(member)
    client = Client()
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": OLD_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content[:500]
    assert with_token(token).get("/api/v1/assessments/").status_code == 401
    assert client.get("/api/v1/assessments/").status_code == 200  # the page's own session survives
    fresh = APIClient().post("/api/v1/auth/token/", {"username": member.username, "password": NEW_PASSWORD})
    assert with_token(fresh.json()["token"]).get("/api/v1/assessments/").status_code == 200


def test_resetting_the_password_by_email_revokes_the_token(member: Any) -> None:
    token = api_token(member)
    client = Client()
    assert client.post("/accounts/password/reset/", {"email": member.email}).status_code == 302
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body)
    assert link
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302, done.content[:500]
    assert with_token(token).get("/api/v1/assessments/").status_code == 401


def test_setting_the_password_in_the_admin_revokes_the_token(admin_client: Client) -> None:
    user: Any = UserFactory(username="admin-changed@example.org")
    api_token(user)
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:500]
    assert not ApiToken.objects.filter(user=user).exists()


def test_manage_py_changepassword_revokes_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.auth.management.commands import changepassword

    user = UserFactory(username="cli-changed@example.org")
    api_token(user)
    # The command reads the new password twice from the terminal.
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": NEW_PASSWORD)
    call_command("changepassword", user.username, stdout=io.StringIO())
    assert not ApiToken.objects.filter(user=user).exists()


def test_logging_in_does_not_revoke_the_token(member: Any) -> None:
    token = api_token(member)
    # django-axes watches every authenticate(), so even the test client's sign-in names its request.
    assert Client().login(request=RequestFactory().get("/"), username=member.username, password=OLD_PASSWORD)
    assert with_token(token).get("/api/v1/assessments/").status_code == 200
