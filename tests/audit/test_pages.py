"""The audit log's pages: the administrators' whole log and a coordinator's team activity."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import audit
from audit.models import Event
from tests.factories import CountryFactory, UserFactory, make_reviewer, make_team, with_second_factor

pytestmark = pytest.mark.django_db

EVENTS = reverse("audit:events")


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def admin() -> Any:
    return with_second_factor(
        UserFactory(username="admin@unodc.example.org", is_staff=True, is_superuser=True)
    )


@pytest.fixture
def teams() -> dict[str, Any]:
    """Two countries' teams, each with a download in the log."""
    a, b = CountryFactory(code="XAA"), CountryFactory(code="XBB")
    team_a, team_b = make_team(a, "a"), make_team(b, "b")
    audit.record(
        Event.Action.EVIDENCE_DOWNLOADED, actor=team_a["observer"], country="XAA", label="A's penal code"
    )
    audit.record(
        Event.Action.REPORT_DOWNLOADED, actor=team_b["coordinator"], country="XBB", label="B's report"
    )
    return {"a": team_a, "b": team_b}


def audit_urls() -> list[str]:
    namespace = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "audit"
    )
    return [reverse(f"audit:{p.name}") for p in namespace.url_patterns if isinstance(p, URLPattern)]


def test_every_audit_url_refuses_everyone_but_administrators(teams: dict[str, Any], admin: Any) -> None:
    staff = with_second_factor(UserFactory(username="staff@unodc.example.org", is_staff=True))
    allowed: Any = UserFactory(username="auditor@unodc.example.org")
    allowed.user_permissions.add(
        Permission.objects.get(codename="view_event", content_type__app_label="audit")
    )
    refused = [teams["a"]["coordinator"], teams["a"]["contributor"], make_reviewer(), staff]
    for url in audit_urls():
        response = Client().get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (
            302,
            reverse("account_login"),
        ), url
        for user in refused:
            assert client_for(user).get(url).status_code == 403, (url, user)
        for user in (admin, allowed):
            assert client_for(user).get(url).status_code == 200, (url, user)


def test_administrators_see_every_event_in_words(teams: dict[str, Any], admin: Any) -> None:
    page = client_for(admin).get(EVENTS).content.decode()
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "Evidence file downloaded" in table and "Report downloaded" in table
    assert "evidence_downloaded" not in table and "XAA" in table
    assert "A&#x27;s penal code" in page and "B&#x27;s report" in page
    assert "a-observer@example.org" in page


def test_the_filters_narrow_the_log(teams: dict[str, Any], admin: Any) -> None:
    client = client_for(admin)
    audit.record(Event.Action.SPREADSHEET_EXPORTED, actor=admin, label="Today's export")

    def shown(**filters: str) -> set[str]:
        page = client.get(EVENTS, filters).context["page"]
        return {event.target_label for event in page}

    assert shown(action="report_downloaded") == {"B's report"}
    assert shown(person="A-OBSERVER") == {"A's penal code"}
    assert shown(country="xbb") == {"B's report"}
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    today = timezone.localdate().isoformat()
    assert shown(since=tomorrow) == set()
    assert shown(until=today, action="spreadsheet_exported") == {"Today's export"}
    assert shown(since=today, until=today, country="XAA") == {"A's penal code"}


def test_a_wrong_filter_says_so_and_is_left_out(teams: dict[str, Any], admin: Any) -> None:
    response = client_for(admin).get(EVENTS, {"country": "1234", "since": "not a date"})
    assert response.status_code == 200
    assert "Give a three-letter country code." in response.content.decode()
    assert len(response.context["page"]) >= 2


def test_pages_are_newest_first_and_their_links_keep_the_filters(admin: Any) -> None:
    for n in range(55):
        audit.record(Event.Action.SIGN_IN_FAILED, actor_label=f"guess{n:02}@example.org")
    client = client_for(admin)
    first = client.get(EVENTS, {"action": "sign_in_failed"})
    events = list(first.context["page"])
    assert len(events) == 50 and events[0].actor_label == "guess54@example.org"
    assert 'href="?action=sign_in_failed&amp;page=2"' in first.content.decode()
    second = client.get(EVENTS, {"action": "sign_in_failed", "page": "2"})
    assert [e.actor_label for e in second.context["page"]][-1] == "guess00@example.org"


def test_a_coordinator_sees_their_own_teams_events_only(teams: dict[str, Any]) -> None:
    client = client_for(teams["a"]["coordinator"])
    response = client.get(reverse("assessments:team-activity", args=["XAA"]))
    page = response.content.decode()
    assert "A&#x27;s penal code" in page and "Evidence file downloaded" in page
    assert "B&#x27;s report" not in page
    # Another country's code in the filters changes nothing: the team's country is the page's.
    response = client.get(reverse("assessments:team-activity", args=["XAA"]), {"country": "XBB"})
    assert {e.target_label for e in response.context["page"]} == {"A's penal code"}


def test_the_team_activity_is_for_the_teams_coordinators(teams: dict[str, Any]) -> None:
    url = reverse("assessments:team-activity", args=["XAA"])
    assert client_for(teams["a"]["contributor"]).get(url).status_code == 403
    assert client_for(teams["a"]["observer"]).get(url).status_code == 403
    assert client_for(teams["b"]["coordinator"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_links_are_shown_to_those_who_may_follow_them(teams: dict[str, Any], admin: Any) -> None:
    team = reverse("assessments:team", args=["XAA"])
    activity = f'href="{reverse("assessments:team-activity", args=["XAA"])}"'
    assert activity in client_for(teams["a"]["coordinator"]).get(team).content.decode()
    assert activity not in client_for(teams["a"]["contributor"]).get(team).content.decode()
    home = reverse("assessments:list")
    assert f'href="{EVENTS}"' in client_for(admin).get(home).content.decode()
    assert f'href="{EVENTS}"' not in client_for(teams["a"]["coordinator"]).get(home).content.decode()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_both_pages_cost_the_same_queries_for_one_event_and_for_many(
    teams: dict[str, Any], admin: Any
) -> None:
    coordinator = client_for(teams["a"]["coordinator"])
    everything = client_for(admin)
    activity = reverse("assessments:team-activity", args=["XAA"])
    # A session's first request also checks and notes its second factor (portal.mfa).
    coordinator.get(activity), everything.get(EVENTS)
    few = (_queries(coordinator, activity), _queries(everything, EVENTS))
    for n in range(30):
        audit.record(
            Event.Action.MEMBERSHIP_CHANGED,
            actor=teams["a"]["coordinator"],
            country="XAA",
            label=f"m{n}@example.org",
            change="added",
        )
    assert (_queries(coordinator, activity), _queries(everything, EVENTS)) == few


def test_the_admin_lists_events_but_never_adds_changes_or_deletes_them(
    teams: dict[str, Any], admin: Any
) -> None:
    client = client_for(admin)
    event = Event.objects.first()
    assert event is not None
    assert (
        client.get(
            reverse("admin:audit_event_changelist"), {"action__exact": "report_downloaded"}
        ).status_code
        == 200
    )
    assert client.get(reverse("admin:audit_event_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:audit_event_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_event_change", args=[event.pk]), {"action": "signed_in"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:audit_event_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    assert Event.objects.filter(pk=event.pk, action=event.action).exists()
