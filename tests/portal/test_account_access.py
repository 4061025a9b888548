"""Who reaches each page outside the apps' namespaces — the account pages (the portal's and
django-allauth's), the API documentation's neighbours — for every role; a new URL must be added.

Roles: anonymous, a contributor (no second factor, none required), a coordinator and a reviewer
(with theirs), a reviewer who has not enrolled theirs yet (only enrolment and sign-out answer),
and an administrator. 302 is a redirect: to sign in, to the enrolment, or away from a page that
does not apply (the sign-in page once signed in; a factor's page when there is none).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import CountryFactory, UserFactory, make_reviewer, make_team, with_second_factor

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "contributor", "coordinator", "reviewer", "unenrolled", "admin"]
# GET, by role in the order of ROLES.
TABLE: dict[str, str] = {
    "home": "302 302 302 302 302 302",
    "account": "302 200 200 200 302 200",
    "token-revoke": "302 405 405 405 302 405",  # POST only; see the test below
    "account_email": "404 404 404 404 302 404",  # addresses are not changed by their owners
    "account_login": "200 302 302 302 302 302",
    "account_logout": "302 200 200 200 200 200",
    "account_inactive": "200 200 200 200 302 200",
    "account_signup": "200 302 302 302 302 302",  # says sign-up is closed
    "account_reauthenticate": "302 200 200 200 200 200",
    "account_request_reauthentication_code": "302 302 302 302 302 302",
    "account_confirm_reauthentication_code": "302 302 302 302 302 302",
    "account_email_verification_sent": "200 200 200 200 302 200",
    "account_change_password": "302 200 200 200 302 200",
    "account_set_password": "302 302 302 302 302 302",
    "account_reset_password": "200 200 200 200 302 200",
    "account_confirm_login_code": "302 302 302 302 302 302",
    "account_confirm_email": "200 200 200 200 302 200",
    "account_reset_password_from_key_done": "200 200 200 200 302 200",
    "account_reset_password_from_key": "200 200 200 200 302 200",
    "account_reset_password_done": "200 200 200 200 302 200",
    "mfa_index": "302 200 200 200 200 200",
    "mfa_authenticate": "302 302 302 302 302 302",
    "mfa_reauthenticate": "302 302 200 200 302 200",
    "mfa_activate_totp": "302 200 302 302 200 302",
    "mfa_deactivate_totp": "302 404 302 302 404 302",
    "mfa_view_recovery_codes": "302 404 302 302 404 302",
    "mfa_generate_recovery_codes": "302 200 302 302 200 302",
    "mfa_download_recovery_codes": "302 404 302 302 404 302",
    "socialaccount_login_cancelled": "200 200 200 200 302 200",
    "socialaccount_login_error": "401 401 401 401 302 401",
    "socialaccount_signup": "302 302 302 302 302 302",
    "socialaccount_connections": "302 200 200 200 302 200",
    "openid_connect_login": "404 404 404 404 302 404",  # no identity provider configured here
    "openid_connect_callback": "404 404 404 404 302 404",
    "usersessions_list": "302 200 200 200 302 200",
    "set_language": "302 302 302 302 302 302",
    "javascript-catalog": "200 200 200 200 302 200",
    "healthz": "200 200 200 200 200 200",
}
KWARGS: dict[str, dict[str, str]] = {
    "account_confirm_email": {"key": "abc"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "x-y"},
    "openid_connect_login": {"provider_id": "unodc"},
    "openid_connect_callback": {"provider_id": "unodc"},
    "token-revoke": {"digest": "0" * 128},
}


def names(patterns: list[Any], namespace: str | None = None) -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found |= names(pattern.url_patterns, pattern.namespace or namespace)
        elif namespace is None and pattern.name:
            found.add(pattern.name)
    return found


@pytest.fixture
def people() -> dict[str, Any]:
    team = make_team(CountryFactory(code="XAA"), "a")
    reviewer = make_reviewer()
    unenrolled: Any = UserFactory(username="unenrolled@unodc.example.org")
    unenrolled.groups.add(reviewer.groups.get())
    admin = with_second_factor(
        UserFactory(username="admin@unodc.example.org", is_staff=True, is_superuser=True)
    )
    return {
        "anonymous": None,
        "contributor": team["contributor"],
        "coordinator": team["coordinator"],
        "reviewer": reviewer,
        "unenrolled": unenrolled,
        "admin": admin,
    }


def test_every_url_outside_the_apps_is_in_the_table() -> None:
    found = names(get_resolver().url_patterns)
    assert found == set(TABLE), f"missing: {found - set(TABLE)}; stale: {set(TABLE) - found}"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_role_rights(people: dict[str, Any], name: str) -> None:
    url = reverse(name, kwargs=KWARGS.get(name))
    got = []
    for role in ROLES:
        client = Client()
        if people[role] is not None:
            client.force_login(people[role])
        got.append(str(client.get(url).status_code))
    assert " ".join(got) == TABLE[name], url


def test_a_token_is_revoked_only_by_its_owner(people: dict[str, Any]) -> None:
    url = reverse("token-revoke", kwargs=KWARGS["token-revoke"])
    assert Client().post(url).status_code == 302
    for role in ("contributor", "coordinator", "admin"):
        client = Client()
        client.force_login(people[role])
        assert client.post(url).status_code == 404, role
