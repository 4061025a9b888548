"""The filling pages and the API's lists keep the same number of queries as the assessment grows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Assessment, NationalMeasure, TechnicalAssistanceNeed
from framework.models import DisaggregationCategory, DisaggregationDimension, Item, TechnicalAssistanceArea
from tests.factories import CountryFactory, api, build_catalogue, make_team

pytestmark = pytest.mark.django_db


def filled(code: str, per_column: int, years: int) -> tuple[Assessment, Any]:
    """An assessment whose requirement 1.1 has ``per_column`` items per column, all answered."""
    fw = build_catalogue(requirements=2, per_column=per_column)
    country = CountryFactory(code=code)
    team = make_team(country, code.lower())
    user = team["coordinator"]
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=user)
    dim, _ = DisaggregationDimension.objects.get_or_create(
        code="sex", defaults={"name": "Sex", "position": 1}
    )
    cat, _ = DisaggregationCategory.objects.get_or_create(
        dimension=dim, code="female", defaults={"name": "F", "position": 1}
    )
    area, _ = TechnicalAssistanceArea.objects.get_or_create(
        code="legislative", defaults={"name": "L", "position": 1}
    )
    evidence = [
        services.add_link_evidence(assessment=a, by=user, url=f"https://x.example/{n}", title=f"Doc {n}")
        for n in range(per_column)
    ]
    for answer in a.answers.select_related("item"):
        status = "met" if answer.kind == "framework_indicator" else "in_place"
        services.save_answer(
            answer_id=answer.pk,
            by=user,
            base_version=1,
            changes={
                "status": status,
                "narrative": "Covered by law",
                "assignee": team["contributor"].pk,
                "legal_references": [{"instrument": "Penal Code", "article": "201"}],
            },
        )
        services.set_answer_evidence(answer_id=answer.pk, by=user, evidence_ids=[e.pk for e in evidence])
    for oi in Item.objects.filter(framework=fw, kind="operational_indicator", requirement__code="1.1"):
        oi.answer_type = "count"
        oi.save()
        for year in range(2025 - years, 2025):
            row = services.save_data(
                assessment=a, indicator=oi, period=year, by=user, base_version=None, values={"value_count": 9}
            )
            services.set_breakdowns(data_id=row.pk, by=user, base_version=row.version, parts={cat.pk: 4})
    requirement = fw.requirements.get(code="1.1")
    for n in range(per_column):
        services.save_national_measure(
            measure=NationalMeasure(assessment=a, requirement=requirement, title=f"M{n}"), by=user
        )
        services.save_ta_need(
            need=TechnicalAssistanceNeed(
                assessment=a, requirement=requirement, area=area, description=f"N{n}"
            ),
            by=user,
        )
    return a, team


def queries(user: Any, url: str) -> int:
    client = Client()
    client.force_login(user)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = {
    "requirement": "/assessments/{pk}/requirements/1.1/",
    "dashboard": "/assessments/{pk}/",
    "dashboard unanswered": "/assessments/{pk}/?show=unanswered",
    "dashboard mine": "/assessments/{pk}/?show=mine",
    "evidence": "/assessments/{pk}/evidence/",
    "list": "/assessments/",
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_is_flat(page: str) -> None:
    small, small_team = filled("XSA", per_column=1, years=1)
    large, large_team = filled("XLA", per_column=8, years=6)
    for cycle in (2022, 2023, 2024):
        services.create_assessment(
            country=large.country, cycle=cycle, framework=large.framework, by=large_team["coordinator"]
        )
    few = queries(small_team["contributor"], PAGES[page].format(pk=small.pk))
    many = queries(large_team["contributor"], PAGES[page].format(pk=large.pk))
    assert few == many, f"{page}: {few} queries for one item, {many} for many"


def test_requirement_page_fully_answered_stays_within_seventeen_queries() -> None:
    """Two of them are the second-factor check (portal.mfa) for a person who has no factor."""
    large, team = filled("XLA", per_column=8, years=6)
    count = queries(team["contributor"], PAGES["requirement"].format(pk=large.pk))
    print(f"requirement page, fully answered: {count} queries")
    assert count <= 17


# --- the API's lists -----------------------------------------------------------------------------


def fill(assessment: Assessment, user: Any, n: int) -> None:
    """``n`` of every kind of row the list endpoints return, breakdowns included."""
    from framework.models import TechnicalAssistanceArea

    dim, _ = DisaggregationDimension.objects.get_or_create(
        code="sex", defaults={"name": "Sex", "position": 1}
    )
    cat, _ = DisaggregationCategory.objects.get_or_create(
        dimension=dim, code="female", defaults={"name": "F", "position": 1}
    )
    area, _ = TechnicalAssistanceArea.objects.get_or_create(
        code="legislative", defaults={"name": "L", "position": 1}
    )
    indicators = list(Item.objects.filter(framework=assessment.framework, kind="operational_indicator")[:n])
    requirement = assessment.framework.requirements.first()
    for i in range(n):
        row = services.save_data(
            assessment=assessment,
            indicator=indicators[i % len(indicators)],
            period=2000 + i,
            by=user,
            base_version=None,
            values={"value_count": 3},
        )
        services.set_breakdowns(data_id=row.pk, by=user, base_version=row.version, parts={cat.pk: 1})
        services.add_link_evidence(assessment=assessment, by=user, url=f"https://x.example/{i}", title=str(i))
        from assessments.models import NationalMeasure, TechnicalAssistanceNeed

        services.save_national_measure(
            measure=NationalMeasure(assessment=assessment, requirement=requirement, title=f"M{i}"), by=user
        )
        services.save_ta_need(
            need=TechnicalAssistanceNeed(
                assessment=assessment, requirement=requirement, area=area, description=f"N{i}"
            ),
            by=user,
        )


@pytest.mark.parametrize("path", ["", "answers/", "data/", "evidence/", "national-measures/", "ta-needs/"])
def test_list_query_counts_do_not_grow(setup: dict[str, Any], path: str) -> None:
    def count(assessment: Assessment, user: Any) -> int:
        url = f"/api/v1/assessments/{assessment.pk}/{path}" if path else "/api/v1/assessments/"
        client = api(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    fill(setup["a"], setup["team"]["coordinator"], 1)
    small = count(setup["a"], setup["team"]["coordinator"])
    fw = build_catalogue(pillars=3, requirements=4, per_column=4)
    country = CountryFactory(code="XCC")
    team = make_team(country, "c")
    big = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    fill(big, team["coordinator"], 12)
    for year in (2027, 2028, 2029):
        services.create_assessment(country=country, cycle=year, framework=fw, by=team["coordinator"])
    assert count(big, team["coordinator"]) == small
