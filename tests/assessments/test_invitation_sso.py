"""Accepting an invitation with single sign-on, against the real loopback OpenID Connect provider
(tests/oidc_provider.py), with Django's test client: "Join with UNODC" keeps the invitation in
the session, the provider's verified address must be the invitation's, and every refusal leaves
nothing behind. The Chromium journey is in test_invitation_journey.py."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Invitation, Membership
from audit.models import Event
from tests.factories import CountryFactory, build_catalogue, make_team
from tests.oidc_provider import ACCOUNTS, provider, through_provider  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)  # the provider fixture needs the live server

INVITEE = str(ACCOUNTS["invitee"]["email"]).lower()


@pytest.fixture
def team() -> dict[str, Any]:
    country = CountryFactory(code="XSO", name="Ssoland")
    return {"country": country, **make_team(country, "so")}


def invite(team: dict[str, Any], email: str = INVITEE, **kw: Any) -> tuple[Invitation, str]:
    """An invitation as the team page sends it, and its link's token (from the e-mail)."""
    invitation = services.invite(
        country=team["country"], email=email, role=kw.pop("role", "contributor"), by=team["coordinator"], **kw
    )
    match = re.search(r"/assessments/invitations/(\S+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return invitation, match.group(1)


def portal_client(live_url: str) -> Client:
    """A test client that names the portal as the live server does: the callback URL allauth
    builds is then the redirect URI the provider knows."""
    address = urlsplit(live_url)
    return Client(HTTP_HOST=address.netloc)


def join(client: Client, token: str, account: str, live_url: str, before_return: Any = None) -> Any:
    """Press "Join with UNODC", sign in at the provider as ``account``, come back; the answer."""
    pressed = client.post(reverse("assessments:invitation-sso", args=[token]))
    assert pressed.status_code == 302, pressed
    authorize = pressed["Location"]
    assert token not in authorize  # the token never reaches the identity provider

    callback = through_provider(authorize, account, live_url)
    if before_return is not None:
        before_return()
    return client.get(callback)


def nothing_created(invitation: Invitation, users: int) -> None:
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.user is None


def test_the_invitation_page_offers_to_join_with_the_provider(
    provider: str,  # noqa: F811 (the fixture imported above)
    live_url: str,
    team: dict[str, Any],
    settings: Any,
) -> None:
    _invitation, token = invite(team)
    client = portal_client(live_url)
    page = client.get(reverse("assessments:invitation", args=[token])).content.decode()
    assert "Join with UNODC" in page and "Or choose the password" in page

    settings.SSO_REQUIRED_ROLES = ["contributor"]  # the password form goes
    page = client.get(reverse("assessments:invitation", args=[token])).content.decode()
    assert "Join with UNODC" in page and 'name="password1"' not in page
    refused = client.post(
        reverse("assessments:invitation", args=[token]), {"password1": "x" * 20, "password2": "x" * 20}
    )
    assert "joins with single sign-on only" in refused.content.decode()
    assert not User.objects.filter(email=INVITEE).exists()

    settings.SSO_INVITATIONS = False
    page = client.get(reverse("assessments:invitation", args=[token])).content.decode()
    assert "Join with UNODC" not in page and 'name="password1"' in page


def test_a_verified_address_equal_to_the_invitations_creates_the_account_and_joins(
    provider: str,  # noqa: F811 (the fixture imported above)
    live_url: str,
    team: dict[str, Any],
) -> None:
    fw = build_catalogue(requirements=1, per_column=1)
    assessment = services.create_assessment(
        country=team["country"], cycle=2026, framework=fw, by=team["coordinator"]
    )
    invitation, token = invite(team)
    client = portal_client(live_url)
    back = join(client, token, "invitee", live_url)
    assert back.status_code == 302 and back["Location"] == assessment.get_absolute_url()

    user = User.objects.get(email=INVITEE)
    assert user.username == INVITEE and not user.has_usable_password()
    assert user.profile.full_name == "Ines Invitee"  # the invitation named nobody: the provider's name
    assert SocialAccount.objects.get(user=user).uid == "invitee"
    assert Membership.objects.get(user=user, country=team["country"]).role == "contributor"
    invitation.refresh_from_db()
    assert invitation.user == user and invitation.accepted_at is not None
    actions = set(Event.objects.filter(actor=user).values_list("action", flat=True))
    assert {Event.Action.INVITATION_ACCEPTED, Event.Action.SIGNED_IN} <= actions
    landing = client.get(back["Location"])
    assert landing.status_code == 200 and "Welcome to the team of Ssoland" in landing.content.decode()
    # The link a second time: used.
    again = client.get(reverse("assessments:invitation", args=[token]))
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_the_invitations_name_wins_over_the_providers(
    provider: str,  # noqa: F811 (the fixture imported above)
    live_url: str,
    team: dict[str, Any],
) -> None:
    _invitation, token = invite(team, full_name="Inès Invitée")
    join(portal_client(live_url), token, "invitee", live_url)
    assert User.objects.get(email=INVITEE).profile.full_name == "Inès Invitée"


def test_an_unverified_address_is_refused_and_nothing_is_created(
    provider: str,  # noqa: F811 (the fixture imported above)
    live_url: str,
    team: dict[str, Any],
) -> None:
    invitation, token = invite(team, email="uma@gov.example")
    users = User.objects.count()
    answer = join(portal_client(live_url), token, "invitee-unverified", live_url)
    assert answer.status_code == 403
    assert "has not verified your e-mail address uma@gov.example" in answer.content.decode()
    nothing_created(invitation, users)
    failed = Event.objects.get(action=Event.Action.SIGN_IN_FAILED)
    assert failed.details["reason"] == "the identity provider has not verified the e-mail address"


def test_another_verified_address_is_refused_naming_the_invitations(
    provider: str,  # noqa: F811 (the fixture imported above)
    live_url: str,
    team: dict[str, Any],
) -> None:
    invitation, token = invite(team)
    users = User.objects.count()
    answer = join(portal_client(live_url), token, "stranger", live_url)
    assert answer.status_code == 403
    text = answer.content.decode()
    assert f"This invitation is for {INVITEE}, but your identity provider signed you in as" in text
    assert "stranger@unodc.example.org" in text
    nothing_created(invitation, users)
    # The session forgot the invitation: signing in at the provider again creates nobody.
    assert Event.objects.get(action=Event.Action.SIGN_IN_FAILED).details["reason"] == (
        "the verified e-mail address is not the invitation’s"
    )


@pytest.mark.parametrize("meanwhile", ["revoked", "accepted", "expired", "resent"])
def test_an_invitation_withdrawn_used_or_expired_meanwhile_is_refused(
    provider: str,  # noqa: F811 (the fixture imported above)
    live_url: str,
    team: dict[str, Any],
    meanwhile: str,
) -> None:
    invitation, token = invite(team)
    users = User.objects.count()

    def change() -> None:
        if meanwhile == "revoked":
            services.revoke(invitation=invitation, by=team["coordinator"])
        elif meanwhile == "resent":  # the old link stops working
            services.resend(invitation=invitation, by=team["coordinator"])
        elif meanwhile == "expired":
            Invitation.objects.filter(pk=invitation.pk).update(expires_at=invitation.created_at)
        else:  # in another tab, with a password
            Invitation.objects.filter(pk=invitation.pk).update(accepted_at=invitation.created_at)

    answer = join(portal_client(live_url), token, "invitee", live_url, before_return=change)
    expected = {
        "revoked": "has been withdrawn",
        "accepted": "already been used",
        "expired": "has expired",
        "resent": "not known",
    }
    assert expected[meanwhile] in answer.content.decode()
    assert User.objects.count() == users and not SocialAccount.objects.exists()
