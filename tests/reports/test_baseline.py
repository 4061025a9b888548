"""Change since the previous cycle: compared with the latest accepted earlier cycle, never a draft.

A team may prefill from its own draft, but that draft stays the team's: a reviewer must never
read its statuses through the comparison in the gap page, the API, the PDF or the dashboard.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from assessments import services
from assessments.models import Assessment
from reports import services as report_services
from reports.gap import gap_analysis
from reports.pdf import report_html
from tests.factories import CountryFactory, build_catalogue, make_assessment, make_reviewer, make_team

pytestmark = pytest.mark.django_db

DRAFT_STATUSES = ("partially_met", "planned")
DRAFT_NARRATIVE = "Draft wording the team has not agreed yet"


def answer_all(assessment: Assessment, by: Any, statuses: dict[str, str], narrative: str = "") -> None:
    for answer in assessment.answers.select_related("item"):
        changes: dict[str, Any] = {"status": statuses[answer.item.code]}
        if narrative:
            changes["narrative"] = narrative
        services.save_answer(answer_id=answer.pk, by=by, base_version=answer.version, changes=changes)


def take(assessment: Assessment, by: Any, *actions: str) -> None:
    for action in actions:
        services.transition(assessment_id=assessment.pk, by=by, action=action, confirm_open=True)


ALL_MET = {"1.0.FI1": "met", "1.0.IM1": "in_place", "1.1.FI1": "met", "1.1.IM1": "in_place"}
IN_DRAFT = {
    "1.0.FI1": "partially_met",
    "1.0.IM1": "planned",
    "1.1.FI1": "partially_met",
    "1.1.IM1": "planned",
}
ACCEPTED_2024 = {"1.0.FI1": "not_met", "1.0.IM1": "in_place", "1.1.FI1": "not_met", "1.1.IM1": "not_in_place"}


def scenario(*, with_accepted_2024: bool, code: str = "XBA") -> dict[str, Any]:
    """2026 prefilled from the team's live 2025 draft, then answered and submitted."""
    fw = build_catalogue()
    country = CountryFactory(code=code)
    team = make_team(country, code.lower())
    reviewer = make_reviewer()
    coordinator = team["coordinator"]
    accepted = None
    if with_accepted_2024:
        accepted = services.create_assessment(country=country, cycle=2024, framework=fw, by=coordinator)
        answer_all(accepted, coordinator, ACCEPTED_2024)
        take(accepted, coordinator, "submit")
        take(accepted, reviewer, "start_review", "accept")
    draft = services.create_assessment(
        country=country, cycle=2025, framework=fw, by=coordinator, prefill_from=accepted
    )
    answer_all(draft, coordinator, IN_DRAFT, narrative=DRAFT_NARRATIVE)
    current = services.create_assessment(
        country=country, cycle=2026, framework=fw, by=coordinator, prefill_from=draft
    )
    answer_all(current, coordinator, ALL_MET)
    take(current, coordinator, "submit")
    current.refresh_from_db()
    assert current.previous == draft
    return {"current": current, "draft": draft, "accepted": accepted, "team": team, "reviewer": reviewer}


def reviewer_outputs(s: dict[str, Any]) -> dict[str, str]:
    """What a reviewer reads about the current assessment: API, gap page, PDF's HTML, dashboard."""
    a, reviewer = s["current"], s["reviewer"]
    api = APIClient()
    api.force_authenticate(reviewer)
    page = Client()
    page.force_login(reviewer)
    gap_api = api.get(f"/api/v1/assessments/{a.pk}/gap-analysis/")
    gap_page = page.get(f"/reports/assessments/{a.pk}/gap-analysis/")
    dashboard = page.get(f"/assessments/{a.pk}/?show=changed")
    assert (gap_api.status_code, gap_page.status_code, dashboard.status_code) == (200, 200, 200)
    return {
        "api": gap_api.content.decode(),
        "page": gap_page.content.decode(),
        "pdf": report_html(a),
        "dashboard": dashboard.content.decode(),
    }


def assert_no_trace_of_the_draft(outputs: dict[str, str]) -> None:
    for where, text in outputs.items():
        for status in DRAFT_STATUSES:
            assert status not in text, f"the draft's status {status!r} shows in the {where}"
        assert DRAFT_NARRATIVE not in text, where


def test_prefilled_from_a_draft_the_reviewer_sees_no_comparison_and_nothing_of_the_draft() -> None:
    s = scenario(with_accepted_2024=False)
    assert gap_analysis(s["current"])["changes"] is None
    outputs = reviewer_outputs(s)
    assert json.loads(outputs["api"])["changes"] is None
    assert '"before"' not in outputs["api"]
    assert "Change since the previous cycle" not in outputs["page"]
    assert "Change since the previous cycle" not in outputs["pdf"]
    assert "Changed since last cycle" not in outputs["dashboard"]
    assert_no_trace_of_the_draft(outputs)


def test_the_comparison_is_with_the_accepted_earlier_cycle_even_when_prefilled_from_a_later_draft() -> None:
    s = scenario(with_accepted_2024=True)
    changes = gap_analysis(s["current"])["changes"]
    assert {c["code"]: (c["change"], c["before"], c["after"]) for c in changes} == {
        "1.0.FI1": ("improved", "not_met", "met"),
        "1.1.FI1": ("improved", "not_met", "met"),
        "1.1.IM1": ("improved", "not_in_place", "in_place"),
    }  # 1.0.IM1 was in place in 2024 as now (only the draft said "planned")
    outputs = reviewer_outputs(s)
    assert json.loads(outputs["api"])["changes"] == json.loads(json.dumps(changes))
    assert "Change since the previous cycle" in outputs["page"]
    assert "Change since the previous cycle" in outputs["pdf"]
    assert "Changed since last cycle" in outputs["dashboard"]
    assert_no_trace_of_the_draft(outputs)


def test_the_dashboard_changed_filter_compares_with_the_accepted_cycle_not_the_draft() -> None:
    s = scenario(with_accepted_2024=True)
    for user in (s["reviewer"], s["team"]["observer"]):
        client = Client()
        client.force_login(user)
        response = client.get(f"/assessments/{s['current'].pk}/?show=changed")
        assert [a.item.code for a in response.context["listing"]] == ["1.0.FI1", "1.1.FI1", "1.1.IM1"]


def test_the_dashboard_offers_no_changed_filter_without_an_accepted_earlier_cycle() -> None:
    s = scenario(with_accepted_2024=False)
    client = Client()
    client.force_login(s["team"]["coordinator"])
    response = client.get(f"/assessments/{s['current'].pk}/?show=changed")
    assert "Changed since last cycle" not in response.content.decode()
    assert response.context["listing"] is None


def test_the_baseline_is_the_latest_accepted_earlier_cycle_of_the_same_country_and_edition() -> None:
    fw, other_fw = build_catalogue(), build_catalogue()
    country = CountryFactory(code="XBB")
    team = make_team(country, "bb")
    reviewer = make_reviewer()

    def made(cycle: int, *, framework: Any = fw, where: Any = country, accepted: bool = True) -> Assessment:
        by = team["coordinator"] if where == country else make_team(where)["coordinator"]
        a = services.create_assessment(country=where, cycle=cycle, framework=framework, by=by)
        take(a, by, "submit")
        if accepted:
            take(a, reviewer, "start_review", "accept")
        return a

    made(2022)
    expected = made(2024)
    made(2025, accepted=False)  # submitted only
    services.create_assessment(country=country, cycle=2023, framework=fw, by=team["coordinator"])  # draft
    made(2025, framework=other_fw)  # another edition
    made(2025, where=CountryFactory(code="XBC"))  # another country
    made(2027)  # a later cycle
    current = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    assert list(Assessment.objects.baseline_of(current)) == [expected]
    first = Assessment.objects.filter(country=country, framework=fw, cycle=2022).get()
    assert not Assessment.objects.baseline_of(first).exists()


def test_the_gap_analysis_reads_the_baseline_in_as_many_queries_as_without_one() -> None:
    without = scenario(with_accepted_2024=False, code="XBD")["current"]
    with_one = scenario(with_accepted_2024=True, code="XBE")["current"]
    counts = []
    for a in (without, with_one):
        with CaptureQueriesContext(connection) as ctx:
            gap_analysis(a)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_changed_filter_keeps_its_query_count_as_the_assessment_grows() -> None:
    def count(per_column: int, code: str) -> int:
        fw = build_catalogue(requirements=2, per_column=per_column)
        country = CountryFactory(code=code)
        team = make_team(country, code.lower())
        earlier = services.create_assessment(
            country=country, cycle=2024, framework=fw, by=team["coordinator"]
        )
        take(earlier, team["coordinator"], "submit")
        take(earlier, make_reviewer(), "start_review", "accept")
        a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
        for answer in a.answers.all():
            status = "met" if answer.kind == "framework_indicator" else "in_place"
            services.save_answer(
                answer_id=answer.pk, by=team["coordinator"], base_version=1, changes={"status": status}
            )
        client = Client()
        client.force_login(team["contributor"])
        url = f"/assessments/{a.pk}/?show=changed"
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert len(response.context["listing"]) == a.answers.count()
        return len(ctx.captured_queries)

    assert count(1, "XBF") == count(6, "XBG")


def test_a_report_is_made_again_once_an_earlier_cycle_is_accepted() -> None:
    fw = build_catalogue()
    country = CountryFactory(code="XBH")
    team = make_team(country, "bh")
    earlier = make_assessment(country=country, framework=fw, cycle=2024, by=team["coordinator"])
    current = make_assessment(country=country, framework=fw, cycle=2026, by=team["coordinator"])
    job = report_services.request_report(assessment=current, by=team["coordinator"])
    assert report_services.request_report(assessment=current, by=team["coordinator"]).pk == job.pk
    take(earlier, team["coordinator"], "submit")
    take(earlier, make_reviewer(), "start_review", "accept")
    assert report_services.request_report(assessment=current, by=team["coordinator"]).pk != job.pk
