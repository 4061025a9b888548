"""The gap analysis on hand-built assessments whose answers and expected results are known."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

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
            agencies={"1.2": [{"code": "UNODC", "name": "United Nations Office on Drugs and Crime"}]},
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
    assert "A worked example" in html and "below 50%" in html  # the coverage rule, with its threshold
    assert "*" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # no markdown left over
    from assessments.models.statuses import INDICATOR_DEFINITIONS, MEASURE_DEFINITIONS

    for definition in [*INDICATOR_DEFINITIONS.values(), *MEASURE_DEFINITIONS.values()]:
        assert escape(str(definition)) in html


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


# --- coverage beside every score -----------------------------------------------------------------


def test_nothing_assessed_has_no_score_and_no_coverage_to_boast_of() -> None:
    result = analyse(inputs([item("1.1.FI1", FI), item("1.1.IM1", IM), item("2.1.FI1", FI, pillar=2)]))
    overall = result["overall"]
    assert (overall["standards"], overall["measures"]) == (None, None)
    assert (overall["assessed"], overall["assessable"], overall["coverage"]) == (0, 3, 0.0)
    assert overall["enough_assessed"] is False
    assert result["pillars"][2]["coverage"] is None  # pillar 3 has no items at all
    assert result["requirements"][0]["coverage"] == 0.0


def test_all_not_applicable_is_fully_assessed_yet_has_no_share() -> None:
    result = analyse(inputs([item("1.1.FI1", FI, "not_applicable"), item("1.1.IM1", IM, "not_applicable")]))
    pillar = result["pillars"][0]
    assert (pillar["coverage"], pillar["enough_assessed"]) == (1.0, True)
    assert (pillar["standards"], pillar["measures"]) == (None, None)


@pytest.mark.parametrize(("assessed", "enough"), [(1, False), (2, True), (4, True)])
def test_coverage_below_the_threshold_is_not_enough_for_a_headline(
    assessed: int, enough: bool, settings: Any
) -> None:
    """Four items; with the default threshold of a half, one assessed is not enough, two are."""
    assert settings.GAP_COVERAGE_THRESHOLD == 0.5
    items = [item(f"1.1.FI{n}", FI, "met" if n <= assessed else "not_assessed") for n in range(1, 5)]
    result = analyse(inputs(items))
    for part in (result["overall"], result["pillars"][0], result["requirements"][0]):
        assert part["coverage"] == pytest.approx(assessed / 4)
        assert part["enough_assessed"] is enough
    settings.GAP_COVERAGE_THRESHOLD = 0.2
    assert analyse(inputs(items))["overall"]["enough_assessed"] is True


@pytest.mark.django_db
def test_the_gap_page_and_the_api_show_coverage_and_withhold_a_thin_score() -> None:
    from django.test import Client
    from rest_framework.test import APIClient

    fw = build_catalogue()
    country = CountryFactory(code="XGE")
    team = make_team(country, "ge")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    first = a.answers.select_related("item").filter(item__kind=FI).order_by("pk").first()
    assert first is not None
    services.save_answer(
        answer_id=first.pk, by=team["coordinator"], base_version=1, changes={"status": "met"}
    )
    client = Client()
    client.force_login(team["coordinator"])
    html = client.get(f"/reports/assessments/{a.pk}/gap-analysis/").content.decode()
    assert "Not enough assessed" in html
    assert "100%</strong> of minimum standards met" not in html  # no headline from one item
    assert "Among the items assessed so far: 100% of minimum standards met" in html
    api = APIClient()
    api.force_authenticate(team["observer"])
    data = api.get(f"/api/v1/assessments/{a.pk}/gap-analysis/").json()
    assert data["coverage_threshold"] == 0.5
    for part in (data["overall"], data["pillars"][0], data["requirements"][0]):
        assert {"coverage", "assessed", "assessable", "enough_assessed"} <= set(part)
    assert data["overall"]["assessed"] == 1


# --- organisations by mandate --------------------------------------------------------------------


def test_organisations_are_offered_by_the_themes_of_the_requirement_not_by_pillar() -> None:
    from framework.models import Agency
    from reports.gap import organisations_for

    unicef = Agency(code="UNICEF", name="UNICEF", themes={"children": "002: 1"}, pillars=[1, 2, 3])
    unodc = Agency(code="UNODC", name="UNODC", themes={"criminal_justice": "002: 2"}, pillars=[1, 2, 3])
    unifem = Agency(
        code="UNIFEM",
        name="United Nations Development Fund for Women",
        themes={"gender": "002: 3"},
        pillars=[1, 2, 3],
        current_name="UN Women",
    )
    requirements = {
        "1.3": {"pillar": 1, "themes": ["children", "criminal_justice"]},  # children first
        "1.9": {"pillar": 1, "themes": ["criminal_justice"]},
        "9.9": {"pillar": 3, "themes": []},  # not tagged: the pillar decides
    }
    offered = organisations_for(requirements, [unodc, unifem, unicef])
    assert [o["code"] for o in offered["1.3"]] == ["UNICEF"]  # its first theme decides
    assert [o["code"] for o in offered["1.9"]] == ["UNODC"]
    assert offered["1.3"][0]["themes"] == ["children"]
    assert [o["code"] for o in offered["9.9"]] == ["UNICEF", "UNIFEM", "UNODC"]
    assert offered["9.9"][1]["current_name"] == "UN Women"


@pytest.mark.django_db
def test_the_real_mandates_offer_different_organisations_for_a_childrens_and_a_criminal_justice_requirement() -> (
    None
):
    import io

    from django.core.management import call_command

    from framework.models import Agency, Requirement
    from reports.gap import organisations_for

    call_command("load_framework", stdout=io.StringIO())
    requirements = {
        r.code: {"pillar": r.pillar.number, "themes": r.themes}
        for r in Requirement.objects.filter(framework__code="unodc-2009").select_related("pillar")
    }
    assert all(r["themes"] for r in requirements.values())  # every requirement is tagged
    agencies = list(Agency.objects.all())
    offered = {
        code: {o["code"] for o in found} for code, found in organisations_for(requirements, agencies).items()
    }
    assert all(0 < len(codes) < len(agencies) for codes in offered.values()), offered
    assert "UNICEF" in offered["1.3"] and "UNICEF" not in offered["1.9"]  # children / criminal justice
    assert offered["1.3"] != offered["1.9"]
    assert offered["3.2"] >= {"ICAO"}  # carriers: civil aviation
    unifem = Agency.objects.get(code="UNIFEM")
    assert unifem.current_name == "UN Women" and "gender" in unifem.themes


@pytest.mark.django_db
def test_the_series_over_three_cycles_on_the_page_and_in_the_report() -> None:
    from django.test import Client

    from reports.gap import series
    from reports.pdf import report_html
    from tests.factories import make_reviewer

    fw = build_catalogue(requirements=1, per_column=1)
    country = CountryFactory(code="XSR")
    team = make_team(country, "sr")
    reviewer = make_reviewer()
    cycles = []
    for cycle, status in ((2020, "not_met"), (2023, "partially_met"), (2026, "met")):
        a = services.create_assessment(country=country, cycle=cycle, framework=fw, by=team["coordinator"])
        for answer in a.answers.all():
            change = status if answer.kind == FI else "in_place"
            services.save_answer(
                answer_id=answer.pk, by=team["coordinator"], base_version=1, changes={"status": change}
            )
        cycles.append(a)
        if cycle < 2026:
            services.transition(assessment_id=a.pk, by=team["coordinator"], action="submit")
            services.transition(assessment_id=a.pk, by=reviewer, action="start_review")
            services.transition(assessment_id=a.pk, by=reviewer, action="accept")
    points = series(cycles[-1])
    assert [p["cycle"] for p in points] == [2020, 2023, 2026]
    assert [p["pillars"][0]["standards"] for p in points] == [0.0, 0.5, 1.0]
    assert all(p["overall"]["coverage"] == 1.0 for p in points)
    client = Client()
    client.force_login(team["coordinator"])
    html = client.get(f"/reports/assessments/{cycles[-1].pk}/gap-analysis/").content.decode()
    assert 'aria-labelledby="series-title"' in html
    assert all(f">{cycle}</text>" in html for cycle in (2020, 2023, 2026))
    assert 'aria-labelledby="series-title"' in report_html(cycles[-1])
    first = client.get(f"/reports/assessments/{cycles[0].pk}/gap-analysis/").content.decode()
    assert 'aria-labelledby="series-title"' not in first  # one cycle: no series to draw
