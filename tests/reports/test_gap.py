"""The gap analysis on hand-built assessments whose answers and expected results are known."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from reports.gap import FI, IM, OI, Inputs, ItemInput, analyse, gap_analysis
from tests.factories import CountryFactory, build_catalogue, make_team

ORDER = itertools.count()


def item(
    code: str, kind: str, status: str = "not_assessed", pillar: int = 1, answer_type: str = ""
) -> ItemInput:
    """An item in the Framework's order: the order of creation in the test."""
    requirement = code.rsplit(".", 1)[0]
    return ItemInput(code, kind, f"text of {code}", requirement, pillar, next(ORDER), status, answer_type)


def inputs(items: list[ItemInput], **kw: object) -> Inputs:
    reqs: dict[str, dict[str, Any]] = {}
    for n, i in enumerate(items):
        reqs.setdefault(
            i.requirement, {"title": f"Req {i.requirement}", "pillar": i.pillar, "articles": [], "order": n}
        )
    pillars = {p: f"Pillar {p}" for p in range(1, 6)}
    return Inputs(cycle=2026, pillars=pillars, requirements=reqs, items=items, **kw)  # type: ignore[arg-type]


def test_partial_credit_and_not_applicable_left_out() -> None:
    result = analyse(
        inputs(
            [
                item("1.1.FI1", FI, "met"),
                item("1.1.FI2", FI, "partially_met"),
                item("1.1.FI3", FI, "not_met"),
                item("1.1.FI4", FI, "not_applicable"),
                item("1.1.FI5", FI, "not_assessed"),
                item("1.1.IM1", IM, "alternative"),
                item("1.1.IM2", IM, "partially_in_place"),
                item("1.1.IM3", IM, "planned"),
            ]
        )
    )
    req = result["requirements"][0]
    assert req["standards"] == pytest.approx(0.5)  # (1 + .5 + 0) / 3
    assert req["measures"] == pytest.approx(0.5)  # (1 + .5 + 0) / 3
    assert (req["not_applicable"], req["not_assessed"]) == (1, 1)


def test_an_all_not_applicable_requirement_has_no_share_and_no_gap() -> None:
    result = analyse(inputs([item("1.1.FI1", FI, "not_applicable"), item("1.1.IM1", IM, "not_applicable")]))
    req = result["requirements"][0]
    assert (req["standards"], req["measures"], req["not_applicable"]) == (None, None, 2)
    assert result["gaps"] == []


def test_pillars_weigh_equally_and_empty_pillars_are_left_out() -> None:
    items = [item("1.1.FI1", FI, "met", pillar=1)] + [
        item(f"2.1.FI{n}", FI, "not_met", pillar=2) for n in range(1, 10)
    ]
    result = analyse(inputs(items))
    assert result["overall"]["standards"] == pytest.approx(0.5)  # (1.0 + 0.0) / 2, not 1/10
    empty = [p for p in result["pillars"] if p["number"] in (3, 4, 5)]
    assert all(p["standards"] is None for p in empty)


def test_gaps_put_unmet_minimum_standards_first() -> None:
    result = analyse(
        inputs(
            [
                item("1.1.FI1", FI, "partially_met"),
                item("1.1.IM1", IM, "not_in_place"),
                item("1.2.FI1", FI, "not_met"),
                item("1.2.IM1", IM, "planned"),
                item("1.2.IM2", IM, "in_place"),
            ],
            resources={"1.2": [{"code": "1.2.R1", "citation": "Toolkit", "url": "http://x", "title": "T"}]},
            agencies={1: [{"code": "UNODC", "name": "United Nations Office on Drugs and Crime"}]},
        )
    )
    assert [g["code"] for g in result["gaps"]] == ["1.2.FI1", "1.1.FI1", "1.1.IM1", "1.2.IM1"]
    first = result["gaps"][0]
    assert first["weight"] == 2.0
    assert [m["code"] for m in first["measures"]] == ["1.2.IM1"]  # recommended measures not yet in place
    assert first["resources"][0]["url"] == "http://x"
    assert first["agencies"][0]["code"] == "UNODC"


def test_data_gaps_no_data_not_recent_no_breakdown() -> None:
    result = analyse(
        inputs(
            [
                item("1.1.OI1", OI, answer_type="count"),
                item("1.1.OI2", OI, answer_type="count"),
                item("1.1.OI3", OI, answer_type="count"),
                item("1.1.OI4", OI, answer_type="yes_no"),
            ],
            data={
                "1.1.OI2": {"latest": 2020, "broken_down": True},
                "1.1.OI3": {"latest": 2025, "broken_down": False},
                "1.1.OI4": {"latest": 2025, "broken_down": False},
            },
        )
    )
    assert [(g["code"], g["reason"]) for g in result["data_gaps"]] == [
        ("1.1.OI1", "no_data"),
        ("1.1.OI2", "not_recent"),
        ("1.1.OI3", "no_breakdown"),
    ]


def test_change_since_the_previous_cycle() -> None:
    result = analyse(
        inputs(
            [
                item("1.1.FI1", FI, "met"),
                item("1.1.FI2", FI, "not_met"),
                item("1.1.IM1", IM, "in_place"),
                item("1.1.IM2", IM, "planned"),
            ],
            previous={
                "1.1.FI1": "partially_met",
                "1.1.FI2": "met",
                "1.1.IM1": "not_assessed",
                "1.1.IM2": "planned",
            },
        )
    )
    assert {c["code"]: c["change"] for c in result["changes"]} == {
        "1.1.FI1": "improved",
        "1.1.FI2": "regressed",
        "1.1.IM1": "new",
    }
    assert analyse(inputs([item("1.1.FI1", FI, "met")]))["changes"] is None


@pytest.mark.django_db
def test_load_reads_an_assessment_in_a_fixed_number_of_queries() -> None:
    def run(per_column: int) -> tuple[dict, int]:
        fw = build_catalogue(pillars=2, requirements=2, per_column=per_column)
        country = CountryFactory()
        team = make_team(country)
        a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
        for answer in a.answers.all():
            status = "met" if answer.kind == FI else "planned"
            services.save_answer(
                answer_id=answer.pk, by=team["coordinator"], base_version=1, changes={"status": status}
            )
        with CaptureQueriesContext(connection) as ctx:
            result = gap_analysis(a)
        return result, len(ctx.captured_queries)

    _small, few = run(1)
    large, many = run(5)
    assert few == many
    assert many <= 20
    assert large["overall"]["standards"] == 1.0
    assert large["overall"]["measures"] == 0.0
    assert len(large["gaps"]) == 2 * 3 * 5  # every measure planned: 2 pillars x 3 rows x 5 measures


@pytest.mark.django_db
def test_gap_page_for_the_team_and_reviewers_after_submission_only() -> None:
    from django.test import Client

    from tests.factories import make_reviewer

    fw = build_catalogue()
    country = CountryFactory(code="XGA")
    team = make_team(country, "g")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    answer = a.answers.get(item__code="1.1.FI1")
    services.save_answer(
        answer_id=answer.pk, by=team["coordinator"], base_version=1, changes={"status": "not_met"}
    )
    from framework.models import Requirement

    Requirement.objects.filter(framework=fw, code="1.1").update(
        title='Trafficking <script>alert("x")</script>'
    )
    client = Client()
    client.force_login(team["observer"])
    html = client.get(f"/reports/assessments/{a.pk}/gap-analysis/").content.decode()
    assert "1 gap, most important first" in html
    assert "<svg" in html
    assert "<script>alert" not in html  # escaped in the page and inside the SVG
    reviewer = Client()
    reviewer.force_login(make_reviewer())
    assert reviewer.get(f"/reports/assessments/{a.pk}/gap-analysis/").status_code == 404  # a draft
    other = Client()
    other.force_login(make_team(CountryFactory(code="XGB"), "h")["contributor"])
    assert other.get(f"/reports/assessments/{a.pk}/gap-analysis/").status_code == 404


@pytest.mark.django_db
def test_how_scores_are_computed_is_public_and_lists_the_rules(client: object) -> None:
    from django.test import Client

    html = Client().get("/reports/how-scores-are-computed/").content.decode()
    assert "not applicable" in html.lower()
    assert "every pillar weighs the same" in html


@pytest.mark.django_db
def test_gap_analysis_api_serves_the_same_computation() -> None:
    from rest_framework.test import APIClient

    fw = build_catalogue()
    country = CountryFactory(code="XGC")
    team = make_team(country, "gc")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    client = APIClient()
    client.force_authenticate(team["observer"])
    data = client.get(f"/api/v1/assessments/{a.pk}/gap-analysis/").json()
    assert data == json.loads(json.dumps(gap_analysis(a)))
    outsider = APIClient()
    outsider.force_authenticate(make_team(CountryFactory(code="XGD"), "gd")["coordinator"])
    assert outsider.get(f"/api/v1/assessments/{a.pk}/gap-analysis/").status_code == 404
