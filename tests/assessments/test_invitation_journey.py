"""Joining a team by invitation, in headless Chromium: a coordinator invites a contributor who sets
a password and autosaves an answer; a UNODC administrator appoints a country's coordinator from the
Countries page, who sets a password, enrols the second factor and reaches the assessment; a
coordinator joins with single sign-on through the real loopback identity provider."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Browser, BrowserContext, Page, expect

from assessments import services
from assessments.models import Answer, Membership
from portal import mfa
from tests.assessments.test_filling_journey import card, contexts, open_page, req_path, saves  # noqa: F401
from tests.factories import CountryFactory, build_catalogue, make_team
from tests.oidc_provider import ACCOUNTS, provider  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a sturdy passphrase for the portal"


def invitation_path() -> str:
    """The path of the link in the last e-mail sent (the e-mail names the configured SITE_URL)."""
    match = re.search(r"https?://\S+/assessments/invitations/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return urlsplit(match.group(0)).path


def choose_password(page: Page) -> None:
    expect(page.get_by_text("at least 12 characters")).to_be_visible()
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Accept and join the team").click()


def enrol(page: Page) -> None:
    """The enrolment page the role leads to: the secret an app would scan, its current code, the
    recovery codes shown once, then on to the team's assessment."""
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(mfa.current_code(secret))
    page.locator("main").get_by_role("button", name="Activate").click()
    page.get_by_role("link", name="Continue to your team's assessment").click()


def test_a_coordinator_invites_a_contributor_who_joins_and_autosaves(
    live_url: str,
    browser: Browser,
    contexts: list[BrowserContext],  # noqa: F811 (the fixture imported above)
    settings: Any,
) -> None:
    # This deployment requires the second factor of contributors too (MFA_REQUIRED_ROLES).
    settings.MFA_REQUIRED_ROLES = [*settings.MFA_REQUIRED_ROLES, "contributor"]
    fw = build_catalogue(requirements=1, per_column=1)
    country = CountryFactory(code="XJA", name="Journeyland")
    team = make_team(country, "ja")
    assessment = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])

    page = open_page(browser, contexts, team["coordinator"], live_url, "/assessments/teams/XJA/")
    form = page.locator("form", has=page.locator("input[name=action][value=invite]"))
    form.get_by_label("E-mail address").fill("cleo@justice.example")
    form.get_by_label("Role").select_option("contributor")
    form.get_by_label("Name").fill("Cleo Contributor")
    form.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#invitations")).to_contain_text("cleo@justice.example")
    assert mail.outbox[-1].to == ["cleo@justice.example"]
    assert "Journeyland" in mail.outbox[-1].body and "Contributor" in mail.outbox[-1].body

    newcomer = open_page(browser, contexts, None, live_url, invitation_path())
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("Join the team of Journeyland")
    choose_password(newcomer)
    enrol(newcomer)
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("self-assessment 2026")

    newcomer.goto(live_url + req_path(assessment))
    im = card(newcomer, "1.1.IM1")
    saves(im, lambda: im.get_by_label("How the country meets it").fill("A hotline since 2024."))
    saved = Answer.objects.get(assessment=assessment, item__code="1.1.IM1")
    assert saved.narrative == "A hotline since 2024."
    assert saved.history.first().history_user.email == "cleo@justice.example"

    # The same link a second time: used, said plainly.
    again = open_page(browser, contexts, None, live_url, invitation_path())
    expect(again.get_by_role("alert")).to_contain_text("already been used")


def test_an_administrator_appoints_a_coordinator_who_enrols_the_second_factor(
    live_url: str,
    browser: Browser,
    contexts: list[BrowserContext],  # noqa: F811 (the fixture imported above)
    admin_user: Any,
) -> None:
    fw = build_catalogue(requirements=1, per_column=1)
    country = CountryFactory(code="XJB", name="Focalia")
    founder = make_team(country, "jb")["coordinator"]
    assessment = services.create_assessment(country=country, cycle=2026, framework=fw, by=founder)
    CountryFactory(code="XJC", name="Otherland")

    page = open_page(browser, contexts, admin_user, live_url, "/assessments/countries/")
    page.get_by_label("Name or code").fill("Focal")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#countries tbody tr")).to_have_count(1)
    row = page.locator("#country-XJB")
    expect(row).to_contain_text("jb-coordinator@example.org")
    row.get_by_text("Invite").click()
    row.get_by_label("E-mail address").fill("focal.point@gov.example")
    row.get_by_label("Name").fill("Fatima Focal")
    row.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#country-XJB")).to_contain_text("1")
    expect(page.get_by_text("focal.point@gov.example invited as national coordinator")).to_be_visible()
    assert "National coordinator" in mail.outbox[-1].body

    newcomer = open_page(browser, contexts, None, live_url, invitation_path())
    expect(newcomer.get_by_text("second factor")).to_be_visible()
    choose_password(newcomer)
    # The role needs a second factor: allauth's enrolment page, with the secret to type into an app.
    enrol(newcomer)
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("self-assessment 2026")
    assert newcomer.url.endswith(assessment.get_absolute_url())
    person = Membership.objects.get(country=country, user__email="focal.point@gov.example")
    assert person.role == "coordinator" and person.user.profile.full_name == "Fatima Focal"
    assert mfa.has_second_factor(person.user)


def test_a_coordinator_joins_with_single_sign_on_and_enrols_the_second_factor(
    live_url: str,
    browser: Browser,
    contexts: list[BrowserContext],  # noqa: F811 (the fixture imported above)
    provider: str,  # noqa: F811 (the fixture imported above)
) -> None:
    fw = build_catalogue(requirements=1, per_column=1)
    country = CountryFactory(code="XJD", name="Ssoria")
    founder = make_team(country, "jd")["coordinator"]
    assessment = services.create_assessment(country=country, cycle=2026, framework=fw, by=founder)
    address = str(ACCOUNTS["invitee"]["email"]).lower()  # the provider writes it with capitals
    services.invite(country=country, email=address, role="coordinator", by=founder)

    newcomer = open_page(browser, contexts, None, live_url, invitation_path())
    newcomer.get_by_role("button", name="Join with UNODC").click()
    newcomer.wait_for_url(f"{provider}/**")
    assert "invitations" not in newcomer.url  # the link's token stays with the portal
    newcomer.locator("input[name=login]").fill("invitee")
    newcomer.locator("input[name=password]").fill("any password: the provider's form takes any")
    newcomer.get_by_role("button", name="Sign-in").click()
    newcomer.wait_for_url(f"{live_url}/**")
    enrol(newcomer)  # a coordinator's role needs the second factor before anything else
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("self-assessment 2026")
    assert newcomer.url.endswith(assessment.get_absolute_url())
    person = Membership.objects.get(country=country, user__email=address)
    assert person.role == "coordinator" and person.user.profile.full_name == "Ines Invitee"
    assert not person.user.has_usable_password() and mfa.has_second_factor(person.user)

    again = open_page(browser, contexts, None, live_url, invitation_path())
    expect(again.get_by_role("alert")).to_contain_text("already been used")
