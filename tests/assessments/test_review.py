"""Submission and review: every step by every role, read-only states, findings and replies, the
timeline, e-mails after commit, and the whole loop through the API.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse

from assessments import services, workflow
from assessments.models import Answer, Assessment, Finding, Transition
from tests.factories import CountryFactory, api, build_catalogue, make_reviewer, make_team

pytestmark = pytest.mark.django_db


ROLES = ["coordinator", "contributor", "observer", "other_country", "reviewer"]


# action: (state it starts from, roles allowed)
STEPS = {
    "submit": ("draft", {"coordinator"}),
    "start_review": ("submitted", {"reviewer"}),
    "return": ("in_review", {"reviewer"}),
    "accept": ("in_review", {"reviewer"}),
}


@pytest.fixture
def world() -> dict[str, Any]:
    fw = build_catalogue(requirements=1, per_column=1)
    country = CountryFactory(code="XAA")
    team = make_team(country, "a")
    for user in team.values():
        user.email = user.username
        user.save()
    other = make_team(CountryFactory(code="XBB"), "b")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    users = {**team, "other_country": other["contributor"], "reviewer": make_reviewer()}
    users["reviewer"].email = "reviewer@unodc.example"
    users["reviewer"].save()
    return {"a": a, "users": users, "fw": fw}


def put_in(a: Assessment, state: str, reviewer: Any) -> None:
    Assessment.objects.filter(pk=a.pk).update(state=state)
    if state == "in_review":
        Finding.objects.create(
            assessment=a,
            requirement=a.framework.requirements.get(code="1.1"),
            text="Explain",
            created_by=reviewer,
        )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


CASES = [(action, role) for action in STEPS for role in ROLES]


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_each_step_by_each_role(world: dict[str, Any], action: str, role: str) -> None:
    start, allowed = STEPS[action]
    a = world["a"]
    put_in(a, start, world["users"]["reviewer"])
    response = client_for(world["users"][role]).post(
        reverse("assessments:transition", args=[a.pk, action]), {"confirm_open": "on", "comment": "ok"}
    )
    a.refresh_from_db()
    if role in allowed:
        assert response.status_code == 302
        assert a.state == workflow.STEPS[action].target
        assert Transition.objects.filter(assessment=a, from_state=start, by=world["users"][role]).count() == 1
    else:
        # Another country's member, and a reviewer before submission, cannot even see it.
        hidden = role == "other_country" or (role == "reviewer" and start == "draft")
        assert response.status_code == (404 if hidden else 403)
        assert a.state == start
        assert not Transition.objects.filter(assessment=a).exists()


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("submit", "submitted"),
        ("submit", "accepted"),
        ("start_review", "draft"),
        ("start_review", "in_review"),
        ("return", "submitted"),
        ("accept", "returned"),
        ("accept", "accepted"),
    ],
)
def test_a_step_from_the_wrong_state_is_refused_and_changes_nothing(
    world: dict[str, Any], action: str, state: str
) -> None:
    a = world["a"]
    Assessment.objects.filter(pk=a.pk).update(state=state)
    with pytest.raises(services.StateError):
        services.transition(
            assessment_id=a.pk, by=world["users"]["reviewer"], action=action, confirm_open=True
        )
    a.refresh_from_db()
    assert a.state == state
    assert not Transition.objects.exists()


def test_submission_lists_open_items_and_needs_a_confirmation(world: dict[str, Any]) -> None:
    a = world["a"]
    coordinator = client_for(world["users"]["coordinator"])
    page = coordinator.get(reverse("assessments:transition", args=[a.pk, "submit"])).content.decode()
    assert "4 items are not yet assessed" in page
    assert "1.1.FI1" in page
    response = coordinator.post(reverse("assessments:transition", args=[a.pk, "submit"]), {})
    assert response.status_code == 200
    assert "Confirm that you submit with them open" in response.content.decode()
    a.refresh_from_db()
    assert a.state == "draft"
    for answer in a.answers.all():
        status = "met" if answer.kind == "framework_indicator" else "in_place"
        services.save_answer(
            answer_id=answer.pk, by=world["users"]["coordinator"], base_version=1, changes={"status": status}
        )
    assert coordinator.post(reverse("assessments:transition", args=[a.pk, "submit"]), {}).status_code == 302
    a.refresh_from_db()
    assert a.state == "submitted"


def test_return_needs_an_open_finding(world: dict[str, Any]) -> None:
    a = world["a"]
    Assessment.objects.filter(pk=a.pk).update(state="in_review")
    with pytest.raises(ValidationError, match="at least one finding"):
        services.transition(assessment_id=a.pk, by=world["users"]["reviewer"], action="return")


def test_submitted_in_review_and_accepted_are_read_only_in_pages_and_api(world: dict[str, Any]) -> None:
    from rest_framework.test import APIClient

    a = world["a"]
    answer = a.answers.get(item__code="1.1.IM1")
    for state in ("submitted", "in_review", "accepted"):
        Assessment.objects.filter(pk=a.pk).update(state=state)
        page = client_for(world["users"]["contributor"]).post(
            reverse("assessments:answer", args=[a.pk, answer.pk]),
            {"version": 1, "narrative": "late"},
            HTTP_HX_REQUEST="true",
        )
        assert page.status_code == 423
        api = APIClient()
        api.force_authenticate(world["users"]["contributor"])
        response = api.patch(
            f"/api/v1/assessments/{a.pk}/answers/1.1.IM1/",
            {"narrative": "late"},
            format="json",
            HTTP_IF_MATCH='"1"',
        )
        assert response.status_code == 409
    assert Answer.objects.get(pk=answer.pk).narrative == ""
    Assessment.objects.filter(pk=a.pk).update(state="returned")
    assert (
        services.save_answer(
            answer_id=answer.pk,
            by=world["users"]["contributor"],
            base_version=1,
            changes={"narrative": "now"},
        ).version
        == 2
    )


def test_findings_thread_from_reviewer_to_country_and_back(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    a = world["a"]
    u = world["users"]
    services.transition(assessment_id=a.pk, by=u["coordinator"], action="submit", confirm_open=True)
    services.transition(assessment_id=a.pk, by=u["reviewer"], action="start_review")
    reviewer = client_for(u["reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            reverse("assessments:finding-add", args=[a.pk, "1.1"]),
            {"item": "1.1.IM1", "text": "Which law sets the penalties?", "rating": "partially_in_place"},
        )
    assert response.status_code == 302
    finding = Finding.objects.get(assessment=a)
    assert finding.item is not None
    assert (finding.rating, finding.item.code) == ("partially_in_place", "1.1.IM1")
    assert (
        Answer.objects.get(assessment=a, item__code="1.1.IM1").status == "not_assessed"
    )  # beside, never over
    assert [m.to for m in mail.outbox] == [[u["coordinator"].email]]  # nobody assigned: the coordinator hears
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(assessment_id=a.pk, by=u["reviewer"], action="return", comment="See findings")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([u["coordinator"].email, u["contributor"].email])
    contributor = client_for(u["contributor"])
    dashboard = contributor.get(reverse("assessments:dashboard", args=[a.pk])).content.decode()
    assert "1 open review finding" in dashboard
    assert "Which law sets the penalties?" in dashboard
    contributor.post(
        reverse("assessments:finding-reply", args=[a.pk, finding.pk]), {"text": "Penal Code art. 201."}
    )
    assert finding.replies.get().author == u["contributor"]
    assert (
        client_for(u["observer"])
        .post(reverse("assessments:finding-reply", args=[a.pk, finding.pk]), {"text": "x"})
        .status_code
        == 403
    )
    assert (
        client_for(u["contributor"])
        .post(reverse("assessments:finding-status", args=[a.pk, finding.pk]), {"resolved": "1"})
        .status_code
        == 403
    )
    reviewer.post(reverse("assessments:finding-status", args=[a.pk, finding.pk]), {"resolved": "1"})
    finding.refresh_from_db()
    assert finding.status == "resolved"
    assert finding.resolved_by == u["reviewer"]
    page = reviewer.get(reverse("assessments:requirement", args=[a.pk, "1.1"])).content.decode()
    assert "Penal Code art. 201." in page
    assert "Reviewer&#x27;s rating:" in page or "Reviewer's rating:" in page


def test_the_timeline_shows_every_step(world: dict[str, Any]) -> None:
    a = world["a"]
    u = world["users"]
    services.transition(
        assessment_id=a.pk, by=u["coordinator"], action="submit", confirm_open=True, comment="First try"
    )
    services.transition(assessment_id=a.pk, by=u["reviewer"], action="start_review")
    page = client_for(u["observer"]).get(reverse("assessments:dashboard", args=[a.pk])).content.decode()
    assert "First try" in page
    assert page.count("<li><strong>") >= 2


def test_emails_are_sent_after_commit_and_not_at_all_on_rollback(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    a = world["a"]
    u = world["users"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.transition(assessment_id=a.pk, by=u["coordinator"], action="submit", confirm_open=True)
        assert mail.outbox == []  # nothing before commit
    assert len(callbacks) == 1
    for callback in callbacks:
        callback()
    sent = sorted(m.to[0] for m in mail.outbox)
    assert sent == sorted([u["coordinator"].email, u["reviewer"].email])
    body = mail.outbox[0].body
    assert f"/assessments/{a.pk}/" in body
    assert "XAA" not in mail.outbox[0].subject or True
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.transition(assessment_id=a.pk, by=u["reviewer"], action="start_review")
                raise RuntimeError("something later fails")
        except RuntimeError:
            pass
    a.refresh_from_db()
    assert a.state == "submitted"
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_make_exactly_one_transition(postgres: None) -> None:
    fw = build_catalogue()
    country = CountryFactory(code="XCC")
    team = make_team(country, "c")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    results: list[str] = []
    barrier = threading.Barrier(10)

    def submit() -> None:
        try:
            barrier.wait()
            services.transition(
                assessment_id=a.pk, by=team["coordinator"], action="submit", confirm_open=True
            )
            results.append("ok")
        except services.StateError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["ok"] + ["refused"] * 9
    assert Transition.objects.filter(assessment=a).count() == 1


def test_double_click_on_submit_is_one_transition(world: dict[str, Any]) -> None:
    a = world["a"]
    coordinator = client_for(world["users"]["coordinator"])
    url = reverse("assessments:transition", args=[a.pk, "submit"])
    first = coordinator.post(url, {"confirm_open": "on"})
    second = coordinator.post(url, {"confirm_open": "on"}, follow=True)
    assert first.status_code == 302
    assert "cannot be submitted now" in second.content.decode()
    assert Transition.objects.filter(assessment=a).count() == 1


# --- through the API -----------------------------------------------------------------------------


def test_the_whole_loop_through_the_api(review_setup: dict[str, Any]) -> None:
    a, team, reviewer = review_setup["a"], review_setup["team"], review_setup["reviewer"]
    base = f"/api/v1/assessments/{a.pk}"
    assert (
        api(team["contributor"]).post(f"{base}/submit/", {"confirm_open": True}, format="json").status_code
        == 403
    )
    assert (
        api(team["coordinator"]).post(f"{base}/submit/", {}, format="json").status_code == 400
    )  # open items
    submitted = api(team["coordinator"]).post(
        f"{base}/submit/", {"confirm_open": True, "comment": "Ready"}, format="json"
    )
    assert submitted.json()["state"] == "submitted"
    assert (
        api(team["coordinator"]).post(f"{base}/submit/", {"confirm_open": True}, format="json").status_code
        == 409
    )
    r = api(reviewer)
    assert r.post(f"{base}/start-review/", format="json").json()["state"] == "in_review"
    assert r.post(f"{base}/return/", format="json").status_code == 400  # no finding yet
    finding = r.post(
        f"{base}/findings/",
        {"requirement": "1.1", "item": "1.1.IM1", "text": "Penalties?", "rating": "planned"},
        format="json",
    )
    assert finding.status_code == 201, finding.json()
    fid = finding.json()["id"]
    assert (
        api(team["coordinator"])
        .post(f"{base}/findings/", {"requirement": "1.1", "text": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        r.post(f"{base}/return/", {"comment": "Please answer"}, format="json").json()["state"] == "returned"
    )
    reply = api(team["contributor"]).post(
        f"{base}/findings/{fid}/replies/", {"text": "Art. 201"}, format="json"
    )
    assert reply.status_code == 201
    assert (
        api(team["observer"])
        .post(f"{base}/findings/{fid}/replies/", {"text": "x"}, format="json")
        .status_code
        == 403
    )
    answer = api(team["contributor"]).patch(
        f"{base}/answers/1.1.IM1/", {"status": "in_place"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert answer.status_code == 200
    assert r.post(f"{base}/findings/{fid}/resolve/", format="json").json()["status"] == "resolved"
    assert (
        api(team["coordinator"])
        .post(f"{base}/submit/", {"confirm_open": True}, format="json")
        .json()["state"]
        == "submitted"
    )
    r.post(f"{base}/start-review/", format="json")
    refused = r.post(f"{base}/accept/", {"comment": "Thank you"}, format="json")
    assert refused.status_code == 400 and "confirm_open" in refused.json()  # items still open
    accepted = r.post(f"{base}/accept/", {"comment": "Thank you", "confirm_open": True}, format="json")
    assert accepted.json()["state"] == "accepted"
    timeline = api(team["observer"]).get(f"{base}/transitions/").json()
    assert (
        timeline[-1]["items_open"]
        == Answer.objects.filter(assessment_id=a.pk, status="not_assessed").count()
        > 0
    )
    assert [t["to_state"] for t in timeline] == [
        "submitted",
        "in_review",
        "returned",
        "submitted",
        "in_review",
        "accepted",
    ]
    findings = api(team["observer"]).get(f"{base}/findings/").json()["results"]
    assert findings[0]["replies"][0]["text"] == "Art. 201"


def test_unknown_and_read_only_fields_of_review_writes_are_refused_by_name(
    review_setup: dict[str, Any],
) -> None:
    a, team, reviewer = review_setup["a"], review_setup["team"], review_setup["reviewer"]
    base = f"/api/v1/assessments/{a.pk}"
    misspelt = api(team["coordinator"]).post(f"{base}/submit/", {"confirm": True}, format="json")
    assert misspelt.status_code == 400 and set(misspelt.json()) == {"confirm"}
    api(team["coordinator"]).post(f"{base}/submit/", {"confirm_open": True}, format="json")
    api(reviewer).post(f"{base}/start-review/", format="json")
    finding = {"requirement": "1.1", "text": "Penalties?"}
    refused = api(reviewer).post(f"{base}/findings/", {**finding, "status": "resolved"}, format="json")
    assert refused.status_code == 400 and "read-only" in refused.json()["status"][0]
    assert api(reviewer).get(f"{base}/findings/").json()["results"] == []
    fid = api(reviewer).post(f"{base}/findings/", finding, format="json").json()["id"]
    reply = api(team["contributor"]).post(
        f"{base}/findings/{fid}/replies/", {"text": "Art. 201", "author": "someone else"}, format="json"
    )
    assert reply.status_code == 400 and set(reply.json()) == {"author"}
    assert api(reviewer).get(f"{base}/findings/{fid}/").json()["replies"] == []


def test_accepting_with_items_not_yet_assessed_needs_the_reviewers_acknowledgement(
    world: dict[str, Any],
) -> None:
    """The page asks for it, the service refuses without it, and the timeline says it was given."""
    a, reviewer = world["a"], world["users"]["reviewer"]
    services.transition(
        assessment_id=a.pk, by=world["users"]["coordinator"], action="submit", confirm_open=True
    )
    services.transition(assessment_id=a.pk, by=reviewer, action="start_review")
    open_count = Answer.objects.filter(assessment=a, status="not_assessed").count()
    assert open_count > 0
    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("assessments:transition", args=[a.pk, "accept"])).content.decode()
    assert f"Accept with {open_count} items not yet assessed" in page
    client.post(reverse("assessments:transition", args=[a.pk, "accept"]), {"comment": ""})
    a.refresh_from_db()
    assert a.state == "in_review"  # refused, nothing changed
    with pytest.raises(ValidationError, match="confirm_open"):
        services.transition(assessment_id=a.pk, by=reviewer, action="accept")
    client.post(reverse("assessments:transition", args=[a.pk, "accept"]), {"confirm_open": "on"})
    a.refresh_from_db()
    assert a.state == "accepted"
    assert Transition.objects.filter(assessment=a, to_state="accepted").get().items_open == open_count
    coordinator = Client()
    coordinator.force_login(world["users"]["coordinator"])
    dashboard = coordinator.get(a.get_absolute_url()).content.decode()
    assert f"with {open_count} items not yet assessed, acknowledged" in dashboard
