"""Invitations: a coordinator (or UNODC) invites a person by e-mail; the link works once, until it
expires, and not after a resend or a withdrawal; accepting creates the account and the membership.
Also the team page's invitations, the Countries page and ``manage.py invite``."""

from __future__ import annotations

import io
import re
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Invitation, Membership
from tests.factories import CountryFactory, UserFactory, make_team, with_second_factor

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase for the portal"


@pytest.fixture
def team() -> dict[str, Any]:
    country = CountryFactory(code="XIN", name="Invitania")
    return {"country": country, **make_team(country, "in")}


def invite(
    team: dict[str, Any], capture: Any, email: str = "new.person@ministry.example", **kw: Any
) -> Invitation:
    with capture(execute=True):
        return services.invite(
            country=team["country"],
            email=email,
            role=kw.pop("role", "contributor"),
            by=team["coordinator"],
            **kw,
        )


def link_in(message: Any) -> str:
    match = re.search(r"https?://\S+/assessments/invitations/(\S+)/", message.body)
    assert match, message.body
    return match.group(1)


def accept_page(token: str) -> str:
    return reverse("assessments:invitation", args=[token])


# --- the service ----------------------------------------------------------------------------------


def test_an_invitation_sends_a_link_whose_token_is_stored_only_hashed(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    invitation = invite(
        team, django_capture_on_commit_callbacks, email="New.Person@Ministry.example", full_name="Ana Diaz"
    )
    assert invitation.email == "new.person@ministry.example"
    (message,) = mail.outbox
    assert message.to == ["new.person@ministry.example"]
    assert "Invitania" in message.subject
    token = link_in(message)
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    for expected in [
        "Invitania",
        "Contributor",
        "in-coordinator@example.org",
        "Dear Ana Diaz",
        "works once and until",
    ]:
        assert expected in message.body
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert services.find(token) == invitation


def test_an_address_with_a_pending_invitation_is_not_invited_twice(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    invite(team, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="already been invited"):
        invite(team, django_capture_on_commit_callbacks)


def test_a_person_with_an_account_is_added_at_once_and_told(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    other = UserFactory(username="known@agency.example")
    invitation = invite(
        team, django_capture_on_commit_callbacks, email="Known@Agency.example", role="observer"
    )
    assert invitation.accepted_at is not None and invitation.user == other
    assert Membership.objects.get(user=other, country=team["country"]).role == "observer"
    (message,) = mail.outbox
    assert "added you to the team of Invitania" in message.body
    assert "/assessments/invitations/" not in message.body


def test_an_existing_member_gets_a_clear_refusal(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(ValidationError, match="already in the team"):
        invite(team, django_capture_on_commit_callbacks, email=team["contributor"].email)
    with pytest.raises(ValidationError, match="valid e-mail"):
        invite(team, django_capture_on_commit_callbacks, email="not an address")
    with pytest.raises(ValidationError, match="Choose a role"):
        invite(team, django_capture_on_commit_callbacks, role="chief")
    assert not Invitation.objects.exists() and not mail.outbox


def test_resend_kills_the_old_link(team: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    invitation = invite(team, django_capture_on_commit_callbacks)
    old = link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(invitation=invitation, by=team["coordinator"])
    new = link_in(mail.outbox[1])
    with pytest.raises(services.InvitationRefused) as refused:
        services.find(old)
    assert refused.value.reason == "unknown"
    assert services.find(new).sent_count == 2


def test_a_revoked_an_expired_and_a_used_link_are_told_apart(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    revoked = invite(team, django_capture_on_commit_callbacks, email="a@x.example")
    services.revoke(invitation=revoked, by=team["coordinator"])
    expired = invite(team, django_capture_on_commit_callbacks, email="b@x.example")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    used = invite(team, django_capture_on_commit_callbacks, email="c@x.example")
    used_token = link_in(mail.outbox[2])
    Client().post(accept_page(used_token), {"password1": PASSWORD, "password2": PASSWORD})
    reasons = {}
    for message in mail.outbox:
        with pytest.raises(services.InvitationRefused) as refused:
            services.find(link_in(message))
        reasons[message.to[0]] = refused.value.reason
    assert reasons == {"a@x.example": "revoked", "b@x.example": "expired", "c@x.example": "accepted"}
    with pytest.raises(services.InvitationRefused, match="unknown"):
        services.find("no-such-token")
    assert User.objects.get(email="c@x.example").invitations.get() == used


def test_an_expired_invitation_makes_way_for_a_new_one(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    first = invite(team, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    second = invite(team, django_capture_on_commit_callbacks)
    assert Invitation.objects.open().get() == second


# --- the acceptance page ------------------------------------------------------------------------


def test_accepting_creates_the_account_and_the_membership_and_signs_in(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    invite(team, django_capture_on_commit_callbacks, full_name="Ana Diaz")
    token = link_in(mail.outbox[0])
    client = Client()
    page = client.get(accept_page(token)).content.decode()
    assert "Join the team of Invitania" in page and "Contributor" in page
    assert "at least 12 characters" in page  # the validators' help text
    response = client.post(accept_page(token), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:list")  # the team has no assessment yet
    user = User.objects.get(email="new.person@ministry.example")
    assert user.username == user.email and user.check_password(PASSWORD)
    assert user.profile.full_name == "Ana Diaz"
    assert Membership.objects.get(user=user, country=team["country"]).role == "contributor"
    assert client.get(reverse("assessments:team", args=["XIN"])).status_code == 200  # signed in
    again = Client().post(accept_page(token), {"password1": PASSWORD, "password2": PASSWORD})
    assert "already been used" in again.content.decode() and again.status_code == 410


def test_a_weak_or_similar_password_is_refused_and_nothing_changes(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    invite(team, django_capture_on_commit_callbacks)
    token = link_in(mail.outbox[0])
    for password in ["short", "password1234", "new.person@ministry.example"]:
        response = Client().post(accept_page(token), {"password1": password, "password2": password})
        assert response.status_code == 200
        assert 'class="field-errors"' in response.content.decode()
    assert not User.objects.filter(email="new.person@ministry.example").exists()
    assert services.find(token).accepted_at is None


def test_refused_links_say_why_and_whom_to_ask(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    invitation = invite(team, django_capture_on_commit_callbacks)
    token = link_in(mail.outbox[0])
    services.revoke(invitation=invitation, by=team["coordinator"])
    response = Client().post(accept_page(token), {"password1": PASSWORD, "password2": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 410 and "has been withdrawn" in html
    assert "mailto:in-coordinator@example.org" in html
    assert not User.objects.filter(email=invitation.email).exists()
    unknown = Client().get(accept_page("nonsense"))
    assert unknown.status_code == 404 and "national coordinator" in unknown.content.decode()


def test_someone_signed_in_as_another_person_is_told_so(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    invite(team, django_capture_on_commit_callbacks)
    token = link_in(mail.outbox[0])
    client = Client()
    client.force_login(team["observer"])
    response = client.post(accept_page(token), {"password1": PASSWORD, "password2": PASSWORD})
    assert "You are signed in as in-observer@example.org" in response.content.decode()
    assert services.find(token).accepted_at is None


def test_a_coordinator_who_joins_enrols_the_second_factor_then_continues(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    invite(team, django_capture_on_commit_callbacks, email="second@ministry.example", role="coordinator")
    token = link_in(mail.outbox[0])
    client = Client()
    client.post(accept_page(token), {"password1": PASSWORD, "password2": PASSWORD})
    response = client.get(reverse("assessments:list"))
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200  # no second password prompt: they just chose it


# --- the team page ------------------------------------------------------------------------------


def test_the_team_page_invites_lists_resends_and_revokes(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(team["coordinator"])
    url = reverse("assessments:team", args=["XIN"])
    team["contributor"].profile.full_name = "Carla Contributor"
    team["contributor"].profile.institution = "Ministry of Justice"
    team["contributor"].profile.job_title = "Legal adviser"
    team["contributor"].profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "invite", "email": "x@gov.example", "role": "observer", "full_name": "<b>X</b>"}
        )
    assert response.status_code == 302 and len(mail.outbox) == 1
    html = client.get(url).content.decode()
    for expected in [
        "Carla Contributor",
        "Ministry of Justice",
        "Legal adviser",
        "Pending invitations",
        "x@gov.example",
        "&lt;b&gt;X&lt;/b&gt;",
    ]:
        assert expected in html
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "resend", "invitation": invitation.pk})
    assert len(mail.outbox) == 2
    client.post(url, {"action": "revoke", "invitation": invitation.pk})
    assert Invitation.objects.get().revoked_at is not None
    client.get(url)  # the messages are shown once
    assert "x@gov.example" not in client.get(url).content.decode()


def test_only_the_coordinator_sees_and_changes_invitations(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    invitation = invite(team, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(team["contributor"])
    url = reverse("assessments:team", args=["XIN"])
    assert invitation.email not in client.get(url).content.decode()
    assert client.post(url, {"action": "revoke", "invitation": invitation.pk}).status_code == 403
    assert Invitation.objects.get().revoked_at is None


# --- the Countries page -------------------------------------------------------------------------


def test_the_countries_page_is_for_administrators_only(team: dict[str, Any], admin_user: Any) -> None:
    url = reverse("assessments:countries")
    assert Client().get(url).status_code == 302
    coordinator = Client()
    coordinator.force_login(team["coordinator"])
    assert coordinator.get(url).status_code == 403
    assert (
        coordinator.post(
            reverse("assessments:country-invite", args=["XIN"]), {"email": "a@b.example"}
        ).status_code
        == 403
    )
    admin = Client()
    admin.force_login(admin_user)
    html = admin.get(url + "?name=invit").content.decode()
    assert "Invitania" in html and "in-coordinator@example.org" in html and "fictitious demo country" in html


def test_an_administrator_appoints_a_coordinator_from_the_countries_page(
    admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    CountryFactory(code="XNC", name="Newcoordland")
    admin = Client()
    admin.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("assessments:country-invite", args=["XNC"]),
            {"email": "focal@gov.example", "full_name": "Fo Cal", "role": "observer"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.role == "coordinator" and invitation.country.code == "XNC"
    assert "National coordinator" in mail.outbox[0].body
    page = admin.get(response["Location"]).content.decode()
    assert "focal@gov.example invited" in page


def test_the_countries_page_query_count_is_flat(
    admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = Client()
    admin.force_login(admin_user)
    url = reverse("assessments:countries")

    def count() -> int:
        admin.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(url).status_code == 200
        return len(queries)

    country = CountryFactory()
    make_team(country, "one")
    one = count()
    for n in range(12):
        other = CountryFactory()
        members = make_team(other, f"many{n}")
        with django_capture_on_commit_callbacks(execute=True):
            services.invite(
                country=other, email=f"p{n}@x.example", role="observer", by=members["coordinator"]
            )
    assert count() == one


# --- manage.py invite ---------------------------------------------------------------------------


def test_the_command_invites_one_person_with_the_same_email(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "invite", country="xin", role="coordinator", email="op@gov.example", name="Op", stdout=out
        )
    assert "op@gov.example invited as coordinator of Invitania" in out.getvalue()
    (message,) = mail.outbox
    assert "UNODC invites you to join the team of Invitania" in message.body
    assert services.find(link_in(message)).role == "coordinator"


def test_the_command_takes_a_csv_and_reports_bad_lines(
    team: dict[str, Any], tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "country,role,email,name\n"
        "XIN,contributor,one@gov.example,One\n"
        "XIN,boss,two@gov.example,Two\n"
        "QQQ,observer,three@gov.example,\n"
        f"XIN,observer,{team['contributor'].email},\n"
        "XIN,observer,four@gov.example,\n"
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="3 of 5"), django_capture_on_commit_callbacks(execute=True):
        call_command("invite", csv=sheet, stdout=out, stderr=err)
    assert "line 3: two@gov.example: Choose a role." in err.getvalue()
    assert "line 4: no country with the code 'QQQ'" in err.getvalue()
    assert "line 5:" in err.getvalue() and "already in the team" in err.getvalue()
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "four@gov.example",
        "one@gov.example",
    ]
    assert len(mail.outbox) == 2


# --- two at once (PostgreSQL) -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_link_make_one_account(postgres: None) -> None:
    country = CountryFactory(code="XCC")
    members = make_team(country, "cc")
    with_second_factor(members["coordinator"])
    services.invite(country=country, email="race@gov.example", role="contributor", by=members["coordinator"])
    token = link_in(mail.outbox[0])
    results: list[int] = []
    barrier = threading.Barrier(2)

    def post() -> None:
        try:
            barrier.wait()
            response = Client().post(accept_page(token), {"password1": PASSWORD, "password2": PASSWORD})
            results.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [302, 410]
    assert User.objects.filter(email="race@gov.example").count() == 1


def test_a_person_whose_account_came_later_signs_in_and_accepts_without_a_password(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    invite(team, django_capture_on_commit_callbacks)
    token = link_in(mail.outbox[0])
    person = UserFactory(username="new.person@ministry.example")  # e.g. joined another team meanwhile
    visitor = Client().post(accept_page(token), {})
    assert "sign in first" in visitor.content.decode()
    assert services.find(token).accepted_at is None
    client = Client()
    client.force_login(person)
    assert "Choose a password" not in client.get(accept_page(token)).content.decode()
    assert client.post(accept_page(token), {}).status_code == 302
    assert Membership.objects.get(user=person, country=team["country"]).role == "contributor"


def test_invitations_sent_resent_accepted_and_withdrawn_leave_audit_events(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from audit.models import Event

    first = invite(team, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(invitation=first, by=team["coordinator"])
    token = link_in(mail.outbox[-1])
    Client().post(accept_page(token), {"password1": PASSWORD, "password2": PASSWORD})
    other = invite(team, django_capture_on_commit_callbacks, email="second@ministry.example")
    services.revoke(invitation=other, by=team["coordinator"])
    events = list(Event.objects.filter(action__startswith="invitation_").order_by("pk"))
    assert [(e.action, e.target_label.split(": ")[-1]) for e in events] == [
        (Event.Action.INVITATION_SENT, "new.person@ministry.example"),
        (Event.Action.INVITATION_SENT, "new.person@ministry.example"),
        (Event.Action.INVITATION_ACCEPTED, "new.person@ministry.example"),
        (Event.Action.INVITATION_SENT, "second@ministry.example"),
        (Event.Action.INVITATION_REVOKED, "second@ministry.example"),
    ]
    assert {e.country for e in events} == {"XIN"}
    assert events[2].actor is not None and events[2].actor.email == "new.person@ministry.example"
    assert Event.objects.filter(action=Event.Action.MEMBERSHIP_CHANGED, country="XIN").count() == 1
    assert all(token not in str(e.details) for e in events)
