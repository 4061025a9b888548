"""The review loop through the API: steps, findings and replies, the secretariat's data."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from assessments import services
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def setup() -> dict[str, Any]:
    fw = build_catalogue()
    country = CountryFactory(code="XAA")
    team = make_team(country, "a")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    return {"a": a, "team": team, "reviewer": make_reviewer()}


def test_the_whole_loop_through_the_api(setup: dict[str, Any]) -> None:
    a, team, reviewer = setup["a"], setup["team"], setup["reviewer"]
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
    assert r.post(f"{base}/accept/", {"comment": "Thank you"}, format="json").json()["state"] == "accepted"
    timeline = api(team["observer"]).get(f"{base}/transitions/").json()
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


def test_secretariat_data_for_reviewers_only_and_without_drafts(setup: dict[str, Any]) -> None:
    a, team, reviewer = setup["a"], setup["team"], setup["reviewer"]
    assert api(reviewer).get("/api/v1/secretariat/").json() == []
    services.transition(assessment_id=a.pk, by=team["coordinator"], action="submit", confirm_open=True)
    rows = api(reviewer).get("/api/v1/secretariat/").json()
    assert [r["country"] for r in rows] == ["XAA"]
    assert set(rows[0]["pillars"]) == {"1"}
    assert api(team["coordinator"]).get("/api/v1/secretariat/").status_code == 403
    assert APIClient().get("/api/v1/secretariat/").status_code == 401


def test_unknown_and_read_only_fields_of_review_writes_are_refused_by_name(setup: dict[str, Any]) -> None:
    a, team, reviewer = setup["a"], setup["team"], setup["reviewer"]
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


@pytest.mark.parametrize(
    "query", ["cycle=%C2%B2", "cycle=99999999999999999999", "region=atlantis", "state=draft"]
)
def test_a_bad_secretariat_filter_is_a_400_naming_it(setup: dict[str, Any], query: str) -> None:
    response = api(setup["reviewer"]).get(f"/api/v1/secretariat/?{query}")
    assert response.status_code == 400
    assert set(response.json()) == {query.split("=")[0]}


def test_secretariat_filters_still_narrow_the_rows(setup: dict[str, Any]) -> None:
    a, team, reviewer = setup["a"], setup["team"], setup["reviewer"]
    services.transition(assessment_id=a.pk, by=team["coordinator"], action="submit", confirm_open=True)
    assert len(api(reviewer).get("/api/v1/secretariat/?region=europe&state=submitted&cycle=2026").json()) == 1
    assert api(reviewer).get("/api/v1/secretariat/?cycle=2025").json() == []
    assert api(reviewer).get("/api/v1/secretariat/?region=africa").json() == []
