"""Single sign-on for UNODC staff against a real OpenID Connect provider on loopback (panva's
oidc-provider, tests/oidc/provider.mjs, run by Node.js; tests/oidc_provider.py), in headless Chromium: the whole redirect
flow, linking by a verified e-mail address, the second factor asked after it, and refusals.

Needs Node.js and `npm ci --prefix tests/oidc` (.ci/run does it); skipped on a laptop without
them, a failure in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect
from rest_framework.test import APIClient

from audit.models import Event
from portal import mfa
from portal.models import ApiToken
from tests.factories import make_reviewer
from tests.oidc_provider import ACCOUNTS, PASSWORD, provider  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)  # the live server's thread sees the data


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en")
    page = context.new_page()
    page.on("pageerror", lambda exc: pytest.fail(f"JavaScript error: {exc}"))
    yield page
    context.close()


def sign_in_at_provider(page: Page, live_url: str, issuer: str, account: str) -> None:
    """From the portal's sign-in page, through the provider's sign-in form, back to the portal."""
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_role("button", name="Sign in with UNODC").click()
    page.wait_for_url(f"{issuer}/**")
    page.locator("input[name=login]").fill(account)
    page.locator("input[name=password]").fill("any password: the provider's form takes any")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{live_url}/**")


def enter_code(page: Page, code: str) -> None:
    expect(page.locator("input[name=code]")).to_be_visible()
    page.locator("input[name=code]").fill(code)
    page.locator("input[name=code]").press("Enter")


def accepted_codes(secret: str) -> list[str]:
    """Every code the portal accepts now (the previous, current and next step), oldest first:
    a second sign-in within the same 30 seconds needs one not used yet."""
    return [format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()]


def expect_signed_in_as(page: Page, email: str) -> None:
    expect(page.locator(".who")).to_have_text(email)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def expect_signed_out(page: Page) -> None:
    expect(page.locator(".who")).to_have_count(0)


def refusals() -> list[tuple[str, dict[str, str]]]:
    """The failed sign-ins the audit log holds: whose and the details."""
    failed = Event.objects.filter(action=Event.Action.SIGN_IN_FAILED).order_by("pk")
    return [(event.actor_label, event.details) for event in failed]


@pytest.mark.browser
def test_a_reviewer_signs_in_through_the_provider_and_is_asked_for_the_second_factor(
    provider: str,  # noqa: F811 (the fixture imported above)
    live_url: str,
    page: Page,
    browser: Browser,
) -> None:
    reviewer = make_reviewer(ACCOUNTS["reviewer"]["email"])
    sign_in_at_provider(page, live_url, provider, "reviewer")
    # Back from the provider, the portal asks for the second factor before anything else.
    expect(page).to_have_url(f"{live_url}/accounts/2fa/authenticate/")
    expect_signed_out(page)
    enter_code(page, mfa.current_code(reviewer.totp_secret))
    expect_signed_in_as(page, reviewer.email)
    link = SocialAccount.objects.get(user=reviewer)
    assert (link.provider, link.uid) == ("unodc", "reviewer")
    # allauth's guard against an account registered beforehand under someone else's address: the
    # address was never verified on the portal, so the password that came with it stops working.
    reviewer.refresh_from_db()
    assert not reviewer.has_usable_password()

    # The next sign-in finds the link by the provider's subject: no e-mail lookup, no new link.
    page.context.clear_cookies()
    sign_in_at_provider(page, live_url, provider, "reviewer")
    enter_code(page, accepted_codes(reviewer.totp_secret)[-1])
    expect_signed_in_as(page, reviewer.email)
    assert SocialAccount.objects.filter(user=reviewer).count() == 1
    assert SocialAccount.objects.count() == 1
    assert Event.objects.filter(action=Event.Action.SIGNED_IN, actor=reviewer).count() == 2


@pytest.mark.browser
def test_a_verified_address_that_no_account_has_is_refused_and_no_account_is_made(
    provider: str,  # noqa: F811 (the fixture imported above)
    live_url: str,
    page: Page,
) -> None:
    make_reviewer(ACCOUNTS["reviewer"]["email"])
    users = get_user_model().objects.count()
    sign_in_at_provider(page, live_url, provider, "stranger")
    expect(page.get_by_role("alert")).to_contain_text(
        "No portal account has the e-mail address stranger@unodc.example.org. Accounts come from an invitation"
    )
    expect_signed_out(page)
    assert get_user_model().objects.count() == users
    assert not SocialAccount.objects.exists()
    assert refusals() == [
        (
            "stranger@unodc.example.org",
            {"by": "single sign-on", "reason": "no account has the e-mail address"},
        )
    ]


@pytest.mark.browser
def test_an_unverified_address_is_refused_even_when_an_account_has_it(
    provider: str,  # noqa: F811 (the fixture imported above)
    live_url: str,
    page: Page,
) -> None:
    owner = make_reviewer(ACCOUNTS["unverified"]["email"])
    users = get_user_model().objects.count()
    sign_in_at_provider(page, live_url, provider, "unverified")
    expect(page.get_by_role("alert")).to_contain_text(
        "Your identity provider has not verified your e-mail address other-reviewer@unodc.example.org"
    )
    expect(page.locator("input[name=code]")).to_have_count(0)
    expect_signed_out(page)
    page.goto(f"{live_url}/account/")
    expect(page).to_have_url(f"{live_url}/accounts/login/?next=/account/")
    assert get_user_model().objects.count() == users
    assert not SocialAccount.objects.exists()
    owner.refresh_from_db()
    assert owner.has_usable_password()  # not touched: the link would have wiped it
    reason = "the identity provider has not verified the e-mail address"
    assert refusals() == [(owner.email, {"by": "single sign-on", "reason": reason})]


@pytest.mark.browser
def test_a_role_that_must_use_sso_is_refused_its_password_and_signs_in_with_sso(
    provider: str,  # noqa: F811 (the fixture imported above)
    live_url: str,
    page: Page,
    settings: Any,
) -> None:
    settings.SSO_REQUIRED_ROLES = ["reviewer"]
    reviewer = make_reviewer(ACCOUNTS["reviewer"]["email"])
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label("E-mail address").fill(reviewer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Your account signs in with single sign-on")
    expect_signed_out(page)

    sign_in_at_provider(page, live_url, provider, "reviewer")
    enter_code(page, mfa.current_code(reviewer.totp_secret))
    expect_signed_in_as(page, reviewer.email)


@pytest.mark.django_db  # the closest mark wins: no live server needed
def test_a_role_that_must_use_sso_gets_no_token_by_password(settings: Any) -> None:
    settings.SSO_REQUIRED_ROLES = ["reviewer"]
    reviewer = make_reviewer(ACCOUNTS["reviewer"]["email"])
    body = {"username": reviewer.email, "password": PASSWORD, "code": mfa.current_code(reviewer.totp_secret)}
    answer = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert answer.status_code == 403
    assert "single sign-on" in answer.json()["detail"]
    assert not ApiToken.objects.exists()
