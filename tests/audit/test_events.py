"""Each event the portal records leaves exactly that event: who, from which address, what object,
under which country."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from assessments import services
from assessments.models import Country, Membership
from audit import receivers
from audit.models import Event
from reports.models import ReportJob
from tests.factories import UserFactory, api, with_second_factor

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.4"


@pytest.fixture
def new_events() -> Any:
    """The events written since the test asked last (signing a client in writes one of its own)."""
    seen = {"last": 0}

    def since() -> list[Event]:
        found = list(Event.objects.filter(pk__gt=seen["last"]).order_by("pk"))
        seen["last"] = found[-1].pk if found else seen["last"]
        return found

    return since


def client_for(user: Any) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(user)
    return client


def assert_event(event: Event, action: str, actor: Any, country: str = "XAA") -> None:
    """The event is ``action`` by ``actor``, from the test's address, under ``country``'s team."""
    assert (event.action, event.actor, event.address, event.country) == (action, actor, ADDRESS, country)


def only(events: list[Event]) -> Event:
    assert len(events) == 1, [e.action for e in events]
    return events[0]


def test_an_evidence_download_is_recorded(review_setup: dict[str, Any], new_events: Any) -> None:
    a, coordinator = review_setup["a"], review_setup["team"]["coordinator"]
    evidence = services.add_file_evidence(
        assessment=a, by=coordinator, upload=SimpleUploadedFile("Penal code 2021.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    observer = client_for(review_setup["team"]["observer"])
    new_events()
    response = observer.get(reverse("assessments:evidence-download", args=[a.pk, evidence.pk]))
    assert response.status_code == 200
    event = only(new_events())
    assert_event(event, Event.Action.EVIDENCE_DOWNLOADED, review_setup["team"]["observer"])
    assert (event.target_type, event.target_id) == ("assessments.evidence", str(evidence.pk))
    assert event.target_label == "Evidence: Penal code 2021.pdf"


def _finished_job(a: Any, by: Any) -> ReportJob:
    job = ReportJob.objects.create(
        assessment=a, fingerprint="f", requested_by=by, state="done", sha256="0" * 64, pages=1
    )
    job.file.save("r.pdf", ContentFile(b"%PDF-1.7 stand-in"), save=True)
    return job


def test_a_report_download_is_recorded_from_the_page_and_the_api(
    review_setup: dict[str, Any], new_events: Any
) -> None:
    a, coordinator = review_setup["a"], review_setup["team"]["coordinator"]
    job = _finished_job(a, coordinator)
    page = client_for(coordinator)
    new_events()
    assert page.get(reverse("reports:download", args=[a.pk, job.pk])).status_code == 200
    event = only(new_events())
    assert_event(event, Event.Action.REPORT_DOWNLOADED, coordinator)
    assert (event.target_type, event.target_id) == ("reports.reportjob", str(job.pk))
    assert event.target_label == f"Report job: Gap analysis report (PDF), {a.country.name} 2026"

    client = api(coordinator)
    assert client.get(f"/api/v1/report-jobs/{job.pk}/download/", REMOTE_ADDR=ADDRESS).status_code == 200
    event = only(new_events())
    assert_event(event, Event.Action.REPORT_DOWNLOADED, coordinator)


def test_spreadsheet_exports_are_recorded(review_setup: dict[str, Any], new_events: Any) -> None:
    a, contributor = review_setup["a"], review_setup["team"]["contributor"]
    client = client_for(contributor)
    new_events()
    assert client.get(reverse("reports:export", args=[a.pk])).status_code == 200
    event = only(new_events())
    assert_event(event, Event.Action.SPREADSHEET_EXPORTED, contributor)
    assert (event.target_type, event.target_id) == ("assessments.assessment", str(a.pk))
    assert event.target_label == f"Assessment: {a.country.name} 2026"

    reviewer = review_setup["reviewer"]
    client = client_for(reviewer)
    new_events()
    assert client.get(reverse("reports:secretariat-export"), {"region": "europe"}).status_code == 200
    event = only(new_events())
    assert (event.action, event.actor, event.country, event.target_label) == (
        Event.Action.SPREADSHEET_EXPORTED,
        reviewer,
        "",
        "Cross-country matrix",
    )
    assert event.details == {"rows": 0, "region": "europe"}


def test_team_changes_are_recorded_with_the_roles_in_words(
    review_setup: dict[str, Any], new_events: Any
) -> None:
    coordinator = review_setup["team"]["coordinator"]
    client = client_for(coordinator)
    team = reverse("assessments:team", args=["XAA"])
    UserFactory(username="new@ministry.example")  # has an account: the invitation adds them at once
    new_events()
    client.post(team, {"action": "invite", "email": "New@Ministry.example", "role": "contributor"})
    membership = Membership.objects.get(user__email="new@ministry.example")
    accepted, added = new_events()
    assert (accepted.action, accepted.country, accepted.target_label) == (
        Event.Action.INVITATION_ACCEPTED,
        "XAA",
        "Invitation: new@ministry.example",
    )
    client.post(team, {"action": "role", "membership": membership.pk, "role": "observer"})
    changed = only(new_events())
    client.post(team, {"action": "remove", "membership": membership.pk})
    removed = only(new_events())
    for event in (added, changed, removed):
        assert (event.action, event.actor, event.address, event.country) == (
            Event.Action.MEMBERSHIP_CHANGED,
            coordinator,
            ADDRESS,
            "XAA",
        )
        assert (event.target_type, event.target_id) == ("assessments.membership", str(membership.pk))
        assert event.target_label == "Team membership: new@ministry.example"
    assert added.details == {"member": "new@ministry.example", "change": "added", "role": "Contributor"}
    assert changed.details == {
        "member": "new@ministry.example",
        "change": "role changed",
        "old_role": "Contributor",
        "new_role": "Observer",
    }
    assert removed.details == {"member": "new@ministry.example", "change": "removed", "old_role": "Observer"}


def test_sign_in_failed_sign_in_and_sign_out_are_recorded(new_events: Any) -> None:
    user = UserFactory(username="ana@ministry.example")
    client = Client(REMOTE_ADDR=ADDRESS)
    login = reverse("account_login")
    client.post(login, {"login": "ana@ministry.example", "password": "not the password"})
    failed = only(new_events())
    assert (failed.action, failed.actor, failed.actor_label, failed.address) == (
        Event.Action.SIGN_IN_FAILED,
        None,
        "ana@ministry.example",
        ADDRESS,
    )
    assert "not the password" not in str(failed.details) + failed.target_label
    client.post(login, {"login": "ana@ministry.example", "password": "correct horse battery staple"})
    signed_in = only(new_events())
    assert (signed_in.action, signed_in.actor, signed_in.address, signed_in.target_label) == (
        Event.Action.SIGNED_IN,
        user,
        ADDRESS,
        "User: ana@ministry.example",
    )
    client.post(reverse("account_logout"))
    signed_out = only(new_events())
    assert (signed_out.action, signed_out.actor, signed_out.address) == (
        Event.Action.SIGNED_OUT,
        user,
        ADDRESS,
    )


def test_a_very_long_attempted_name_is_cut(new_events: Any) -> None:
    long_name = "x" * 200 + "@ministry.example"  # a valid address, longer than the bound
    Client().post(reverse("account_login"), {"login": long_name, "password": "whatever it is"})
    assert len(only(new_events()).actor_label) == receivers.USERNAME_LIMIT


def test_an_admin_change_is_recorded_in_words(new_events: Any) -> None:
    country = Country.objects.create(code="XCC", name="Testland C", region="europe", is_demo=True)
    admin = with_second_factor(
        UserFactory(username="admin@unodc.example.org", is_staff=True, is_superuser=True)
    )
    client = client_for(admin)
    url = reverse("admin:assessments_country_change", args=[country.pk])
    new_events()
    response = client.post(url, {"code": "XCC", "name": "Testland Sea", "region": "europe", "is_demo": "on"})
    assert response.status_code == 302
    event = only(new_events())
    assert (event.action, event.actor, event.address) == (Event.Action.ADMIN_CHANGE, admin, ADDRESS)
    assert (event.target_type, event.target_id, event.target_label) == (
        "assessments.country",
        str(country.pk),
        "Country: Testland Sea",
    )
    assert event.details == {"change": "changed", "message": "Changed Name."}


def test_a_lockout_is_recorded_with_the_name_and_address() -> None:
    """The receiver of django-axes' user_locked_out (connected once axes is installed)."""
    receivers.locked_out(sender=None, request=None, username="ana@ministry.example", ip_address=ADDRESS)
    event = Event.objects.get()
    assert (event.action, event.actor_label, event.address) == (
        Event.Action.LOCKOUT,
        "ana@ministry.example",
        ADDRESS,
    )


class _Totp:
    """Stands in for allauth's Authenticator, whose app the portal installs with the second factor."""

    def get_type_display(self) -> str:
        return "TOTP"


def test_second_factor_enrolment_and_reset_are_recorded() -> None:
    user = UserFactory(username="ana@ministry.example")
    receivers.factor_added(sender=None, request=None, user=user, authenticator=_Totp())
    request = RequestFactory().post("/admin/", REMOTE_ADDR=ADDRESS)
    admin: Any = with_second_factor(
        UserFactory(username="admin@unodc.example.org", is_staff=True, is_superuser=True)
    )
    request.user = admin
    receivers.factor_reset(sender=None, request=request, user=user, authenticator=_Totp())
    enrolled, reset = Event.objects.order_by("pk")
    assert (enrolled.action, enrolled.actor, enrolled.target_label, enrolled.details) == (
        Event.Action.MFA_ENROLLED,
        user,
        "User: ana@ministry.example",
        {"factor": "TOTP"},
    )
    assert (reset.action, reset.actor, reset.address, reset.target_label) == (
        Event.Action.MFA_RESET,
        request.user,
        ADDRESS,
        "User: ana@ministry.example",
    )


@pytest.mark.skipif(not apps.is_installed("axes"), reason="django-axes is not installed yet")
def test_the_lockout_receiver_listens_to_axes() -> None:
    from axes.signals import user_locked_out

    assert receivers.locked_out in [entry[1]() for entry in user_locked_out.receivers]


def test_deleting_several_objects_at_once_in_the_admin_records_each(new_events: Any) -> None:
    """Django logs a bulk deletion with bulk_create, which sends no post_save: the action records it."""
    from django.contrib.auth.models import Group

    groups = [Group.objects.create(name=f"Group {n}") for n in range(3)]
    admin = with_second_factor(
        UserFactory(username="bulk@unodc.example.org", is_staff=True, is_superuser=True)
    )
    client = client_for(admin)
    new_events()
    response = client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [g.pk for g in groups], "post": "yes"},
    )
    assert response.status_code == 302
    events = new_events()
    assert sorted(e.target_label for e in events) == ["Group: Group 0", "Group: Group 1", "Group: Group 2"]
    assert {(e.action, e.actor) for e in events} == {(Event.Action.ADMIN_CHANGE, admin)}
