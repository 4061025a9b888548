"""Accounts: the second factor a role requires, lockout on every sign-in path (not evaded by a
forged X-Forwarded-For), API tokens that need the factor, and access that ends at once."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from assessments import services
from assessments.models import Membership
from audit.models import Event
from portal import mfa
from portal.models import ApiToken, Profile
from tests.factories import (
    CountryFactory,
    UserFactory,
    api_token,
    build_catalogue,
    make_reviewer,
    make_team,
    with_second_factor,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"  # the factories' password


@pytest.fixture
def team() -> dict[str, Any]:
    country = CountryFactory(code="XAA")
    people = make_team(country, "a")
    a = services.create_assessment(
        country=country, cycle=2026, framework=build_catalogue(), by=people["coordinator"]
    )
    return {**people, "assessment": a}


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def token_for(email: str, password: str = PASSWORD, code: str | None = None, **extra: Any) -> Any:
    body = {"username": email, "password": password, **({"code": code} if code is not None else {})}
    return APIClient().post("/api/v1/auth/token/", body, format="json", **extra)


# --- the second factor ---------------------------------------------------------------------------


def test_a_reviewer_without_a_second_factor_reaches_only_its_enrolment() -> None:
    reviewer: Any = UserFactory(username="new-reviewer@unodc.example.org")
    reviewer.groups.add(make_reviewer().groups.get())
    client = Client()
    sign_in(client, reviewer.email)
    for path in ("/assessments/", "/assessments/secretariat/", "/account/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/", path
    api = client.get("/api/v1/assessments/")
    assert api.status_code == 403 and "second factor" in api.json()["detail"]
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_a_token_of_someone_who_now_needs_a_factor_is_refused(team: dict[str, Any]) -> None:
    contributor = team["contributor"]
    token = api_token(contributor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/assessments/").status_code == 200
    Membership.objects.filter(user=contributor).update(role=Membership.Role.COORDINATOR)
    refused = client.get("/api/v1/assessments/")
    assert refused.status_code == 401 and "second factor" in refused.json()["detail"]


def test_enrolling_on_the_page_with_a_computed_code_opens_the_portal() -> None:
    reviewer: Any = UserFactory(username="enrols@unodc.example.org")
    reviewer.groups.add(make_reviewer().groups.get())
    client = Client()
    assert sign_in(client, reviewer.email)["Location"] == "/assessments/secretariat/"
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page) or re.search(
        r'value="([A-Z2-7]{32})"', page
    )
    assert secret, page[:2000]
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200 and not mfa.has_second_factor(reviewer)
    done = client.post("/accounts/2fa/totp/activate/", {"code": mfa.current_code(secret.group(1))})
    assert done.status_code == 302, done.content[:500]
    assert mfa.has_second_factor(reviewer)
    assert client.get("/assessments/secretariat/").status_code == 200


def test_signing_in_with_a_factor_asks_for_the_code(team: dict[str, Any]) -> None:
    coordinator = team["coordinator"]
    client = Client()
    first = sign_in(client, coordinator.email)
    assert first.status_code == 302 and first["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get("/assessments/").status_code == 302  # not signed in yet
    assert client.post("/accounts/2fa/authenticate/", {"code": "123456"}).status_code == 200
    done = client.post("/accounts/2fa/authenticate/", {"code": mfa.current_code(coordinator.totp_secret)})
    assert done.status_code == 302 and done["Location"] == "/assessments/"
    assert client.get("/assessments/").status_code == 200


def test_a_reviewer_lands_on_the_secretariat_and_a_page_asked_for_comes_first() -> None:
    reviewer = make_reviewer()
    client = Client()
    sign_in(client, reviewer.email)
    done = client.post("/accounts/2fa/authenticate/", {"code": mfa.current_code(reviewer.totp_secret)})
    assert done.status_code == 302 and done["Location"] == "/assessments/secretariat/"
    other = make_reviewer("other-reviewer@unodc.example.org")
    later = Client()
    later.post("/accounts/login/?next=/framework/", {"login": other.email, "password": PASSWORD})
    sent = later.post("/accounts/2fa/authenticate/", {"code": mfa.current_code(other.totp_secret)})
    assert sent.status_code == 302 and sent["Location"] == "/framework/"


def test_a_required_factor_cannot_be_removed_by_its_owner(team: dict[str, Any]) -> None:
    client = Client()
    client.force_login(team["coordinator"])
    client.post("/accounts/2fa/totp/deactivate/")
    assert mfa.has_second_factor(team["coordinator"])


def test_the_demo_prints_every_role_including_an_administrator_and_the_factors(tmp_path: Any) -> None:
    call_command("load_countries", stdout=io.StringIO())
    build_catalogue()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "admin@unodc.example" in text and "reviewer@unodc.example" in text
    secrets = dict(re.findall(r"(\S+@\S+)\s+TOTP secret: ([A-Z2-7]+)", text))
    assert set(secrets) == {"coordinator@demoland.example", "reviewer@unodc.example", "admin@unodc.example"}
    code = io.StringIO()
    call_command("totp_code", "reviewer@unodc.example", stdout=code)
    assert code.getvalue().strip() == mfa.current_code(secrets["reviewer@unodc.example"])
    with pytest.raises(Exception, match="Only the demo"):
        call_command("totp_code", "someone@gov.example", stdout=io.StringIO())
    again = io.StringIO()
    call_command("load_demo", stdout=again)  # idempotent: the same secrets
    assert dict(re.findall(r"(\S+@\S+)\s+TOTP secret: ([A-Z2-7]+)", again.getvalue())) == secrets


# --- lockout ----------------------------------------------------------------------------------------


def test_the_sign_in_page_locks_the_account_and_address_after_five_failures(team: dict[str, Any]) -> None:
    email = team["contributor"].email
    client = Client()
    for _ in range(4):
        assert sign_in(client, email, "wrong password!!").status_code == 200
    locked = sign_in(client, email, "wrong password!!")
    assert locked.status_code == 429 and "Too many wrong passwords" in locked.content.decode()
    # The right password is refused too while the lock lasts, whatever the client claims to be.
    assert sign_in(client, email, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), email).status_code == 302  # another address


@pytest.mark.parametrize("proxies", [1])
def test_behind_a_proxy_the_address_is_the_proxys_entry_not_the_clients(
    team: dict[str, Any], settings: Any, proxies: int
) -> None:
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    email = team["contributor"].email
    client = Client(REMOTE_ADDR="10.0.0.2")  # the proxy
    for n in range(5):
        # The attacker writes a new address each time; the proxy appends the one it saw.
        sign_in(client, email, "wrong password!!", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.50")
    assert sign_in(client, email, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.50").status_code == 429
    assert sign_in(client, email, HTTP_X_FORWARDED_FOR="203.0.113.51").status_code == 302


def test_the_token_endpoint_locks_too_and_a_forged_address_does_not_help(team: dict[str, Any]) -> None:
    email = team["contributor"].email
    for n in range(4):
        assert token_for(email, "wrong password!!", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code == 401
    assert token_for(email, "wrong password!!").status_code == 429  # the fifth locks the pair
    locked = token_for(email, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert locked.status_code == 429 and "Too many wrong passwords" in locked.json()["detail"]
    assert not ApiToken.objects.filter(user=team["contributor"]).exists()


def test_the_admin_signs_in_on_the_portals_page() -> None:
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


def test_password_reset_never_says_whether_an_address_has_an_account(team: dict[str, Any]) -> None:
    known = Client().post("/accounts/password/reset/", {"email": team["contributor"].email})
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [[team["contributor"].email]]


def test_password_reset_requests_are_limited_per_address(team: dict[str, Any]) -> None:
    client = Client()
    answers = [
        client.post("/accounts/password/reset/", {"email": f"x{n}@nowhere.example"}).status_code
        for n in range(12)
    ]
    assert 429 in answers


# --- tokens ---------------------------------------------------------------------------------------


def test_a_token_for_a_role_with_a_factor_needs_the_current_code(team: dict[str, Any]) -> None:
    coordinator = team["coordinator"]
    assert token_for(coordinator.email).status_code == 401
    assert token_for(coordinator.email, code="000000").status_code == 401
    issued = token_for(coordinator.email, code=mfa.current_code(coordinator.totp_secret))
    assert issued.status_code == 200, issued.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert client.get("/api/v1/assessments/").status_code == 200
    stored = ApiToken.objects.get(user=coordinator)
    assert issued.json()["token"] not in (stored.digest, stored.token_key)  # only a hash is kept
    assert stored.expiry is not None


def test_a_role_that_needs_a_factor_gets_no_token_before_enrolling() -> None:
    reviewer: Any = UserFactory(username="no-factor@unodc.example.org")
    reviewer.groups.add(make_reviewer().groups.get())
    refused = token_for(reviewer.email)
    assert refused.status_code == 403 and "second factor" in refused.json()["detail"]


def test_tokens_on_the_account_page_are_named_listed_and_revocable(team: dict[str, Any]) -> None:
    client = Client()
    client.force_login(team["contributor"])
    made = client.post("/account/", {"action": "token", "name": "Statistics office sync", "days": 90})
    secret = re.search(r'<code class="token-secret">([^<]+)</code>', made.content.decode())
    assert secret
    assert "Statistics office sync" in made.content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret.group(1)}")
    assert api.get("/api/v1/assessments/").status_code == 200
    token = ApiToken.objects.get(user=team["contributor"])
    assert secret.group(1) not in client.get("/account/").content.decode()  # shown once
    other = Client()
    other.force_login(team["observer"])
    assert other.post(f"/account/tokens/{token.digest}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{token.digest}/revoke/").status_code == 302
    assert api.get("/api/v1/assessments/").status_code == 401


def test_the_profile_is_saved_and_a_bad_time_zone_refused(team: dict[str, Any]) -> None:
    client = Client()
    client.force_login(team["contributor"])
    fields = {
        "action": "profile",
        "full_name": "Amina Diallo",
        "institution_kind": "ministry",
        "institution": "Ministry of Justice",
        "job_title": "Legal adviser",
        "language": "fr",
        "time_zone": "Africa/Dakar",
    }
    assert client.post("/account/", fields).status_code == 302
    profile = Profile.objects.get(user=team["contributor"])
    assert (profile.full_name, profile.language, profile.time_zone) == ("Amina Diallo", "fr", "Africa/Dakar")
    refused = client.post("/account/", {**fields, "time_zone": "Mars/Olympus"})
    assert refused.status_code == 200
    assert Profile.objects.get(user=team["contributor"]).time_zone == "Africa/Dakar"


# --- access that ends -----------------------------------------------------------------------------


def test_removing_a_member_ends_their_session_and_token_on_the_next_request(team: dict[str, Any]) -> None:
    contributor = team["contributor"]
    client = Client()
    sign_in(client, contributor.email)
    assert client.get("/assessments/").status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(contributor)}")
    membership = Membership.objects.get(user=contributor)
    services.remove_member(membership=membership, by=team["coordinator"])
    assert client.get("/assessments/").status_code == 302
    assert api.get("/api/v1/assessments/").status_code == 401


def test_deactivating_a_user_ends_their_session_and_token(team: dict[str, Any]) -> None:
    contributor = team["contributor"]
    client = Client()
    sign_in(client, contributor.email)
    token = api_token(contributor)
    contributor.is_active = False
    contributor.save()
    assert client.get("/assessments/").status_code == 302
    assert not ApiToken.objects.filter(user=contributor).exists()
    assert token


def test_single_sign_on_roles_cannot_use_a_password(team: dict[str, Any], settings: Any) -> None:
    settings.SSO_REQUIRED_ROLES = ["reviewer"]
    reviewer = make_reviewer("sso-only@unodc.example.org")
    response = sign_in(Client(), reviewer.email)
    assert response.status_code == 200 and "single sign-on" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short pass1", "at least 12"),
        ("password1234", "too common"),
        ("a-contributor@example.org", "too similar"),
    ],
)
def test_passwords_follow_nist_guidance(team: dict[str, Any], password: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        validate_password(password, user=team["contributor"])
    validate_password("the quick brown fox jumps", user=team["contributor"])  # no composition rules


def test_every_authenticator_is_totp_or_recovery_codes(team: dict[str, Any]) -> None:
    types = set(Authenticator.objects.filter(user=team["coordinator"]).values_list("type", flat=True))
    assert types == {"totp", "recovery_codes"}
    assert with_second_factor(team["observer"]).totp_secret


# --- what the audit log keeps of accounts ---------------------------------------------------------


def test_a_lockout_leaves_its_event_with_the_address(team: dict[str, Any]) -> None:
    email = team["contributor"].email
    client = Client(REMOTE_ADDR="198.51.100.23")
    for _ in range(5):
        sign_in(client, email, "wrong password!!")
    lockout = Event.objects.get(action=Event.Action.LOCKOUT)
    assert (lockout.actor_label, lockout.address) == (email, "198.51.100.23")
    assert Event.objects.filter(action=Event.Action.SIGN_IN_FAILED).count() == 5


def test_tokens_made_and_revoked_leave_their_events(team: dict[str, Any]) -> None:
    client = Client()
    client.force_login(team["contributor"])
    client.post("/account/", {"action": "token", "name": "Nightly sync", "days": 7})
    token = ApiToken.objects.get(user=team["contributor"])
    client.post(f"/account/tokens/{token.digest}/revoke/")
    made, revoked = Event.objects.filter(action__startswith="token_").order_by("pk")
    assert (made.action, made.actor, made.target_label) == (
        Event.Action.TOKEN_CREATED,
        team["contributor"],
        "Nightly sync",
    )
    assert (revoked.action, revoked.target_label) == (Event.Action.TOKEN_REVOKED, "Nightly sync")
    assert token.digest not in str(made.details) + str(revoked.details)


def test_an_administrator_resets_a_second_factor_in_the_admin(
    team: dict[str, Any], admin_client: Client
) -> None:
    coordinator = team["coordinator"]
    theirs = Client()
    sign_in(theirs, coordinator.email)
    theirs.post("/accounts/2fa/authenticate/", {"code": mfa.current_code(coordinator.totp_secret)})
    assert theirs.get("/assessments/").status_code == 200
    response = admin_client.post(
        "/admin/auth/user/", {"action": "reset_factors", "_selected_action": [coordinator.pk]}
    )
    assert response.status_code == 302
    assert not mfa.has_second_factor(coordinator)
    assert theirs.get("/assessments/").status_code == 302  # their session has ended
    reset = Event.objects.get(action=Event.Action.MFA_RESET, target_id=str(coordinator.pk))
    assert reset.actor is not None and reset.actor.username == "admin"
    again = Client()
    sign_in(again, coordinator.email)
    assert again.get("/assessments/")["Location"] == "/accounts/2fa/totp/activate/"  # enrols anew


def test_an_administrator_without_a_factor_finds_the_admin_closed() -> None:
    staff = UserFactory(username="new-admin@unodc.example.org", is_staff=True, is_superuser=True)
    client = Client()
    sign_in(client, staff.email)
    for path in ("/admin/", "/admin/auth/user/", "/audit/", "/assessments/countries/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/", path


def test_the_api_is_throttled_per_person_and_per_address(team: dict[str, Any], monkeypatch: Any) -> None:
    from portal.authentication import PerAddressThrottle, PerUserThrottle

    monkeypatch.setattr(PerUserThrottle, "THROTTLE_RATES", {"user": "3/min", "address": "5/min"})
    monkeypatch.setattr(PerAddressThrottle, "THROTTLE_RATES", {"user": "3/min", "address": "5/min"})
    one = APIClient(REMOTE_ADDR="192.0.2.10")
    one.credentials(HTTP_AUTHORIZATION=f"Token {api_token(team['contributor'])}")
    assert [one.get("/api/v1/assessments/").status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another person from the same address has their own three, until the address's five are used.
    other = APIClient(REMOTE_ADDR="192.0.2.10")
    other.credentials(HTTP_AUTHORIZATION=f"Token {api_token(team['observer'])}")
    assert [other.get("/api/v1/assessments/").status_code for _ in range(2)] == [200, 429]
    # A forged X-Forwarded-For does not make a new address.
    forged = APIClient(REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert forged.get("/api/v1/frameworks/").status_code == 429
    assert APIClient(REMOTE_ADDR="192.0.2.11").get("/api/v1/frameworks/").status_code == 200
