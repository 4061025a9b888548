"""XLSX exports: readable sheets, user text never a formula, drafts never in the secretariat's."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from assessments import services
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_assessment_export_has_a_sheet_per_pillar_data_and_findings() -> None:
    fw = build_catalogue(pillars=2)
    country = CountryFactory(code="XAA")
    team = make_team(country, "a")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    answer = a.answers.get(item__code="1.1.IM1")
    services.save_answer(
        answer_id=answer.pk,
        by=team["coordinator"],
        base_version=1,
        changes={
            "status": "in_place",
            "narrative": '=HYPERLINK("http://evil.example","click")',
            "legal_references": [{"instrument": "Penal Code", "article": "201"}],
        },
    )
    oi = fw.items.get(code="1.1.OI1")
    services.save_data(
        assessment=a,
        indicator=oi,
        period=2025,
        by=team["coordinator"],
        base_version=None,
        values={"value_count": 12},
    )
    response = login(team["observer"]).get(f"/assessments/{a.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tip-self-assessment-XAA-2026.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["1 Pillar 1", "2 Pillar 2", "Operational data", "Review findings"]
    rows = list(wb["1 Pillar 1"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Requirement", "Code", "Column", "Framework text", "Status")
    row = next(r for r in rows if r[1] == "1.1.IM1")
    assert row[4] == "In place"
    assert row[5] == '=HYPERLINK("http://evil.example","click")'
    cell = next(c for c in wb["1 Pillar 1"]["F"] if c.value == row[5])
    assert cell.data_type == "s"  # text, not a formula
    assert row[7] == "Penal Code, 201"
    data = list(wb["Operational data"].iter_rows(values_only=True))
    assert data[1][:4] == ("1.1.OI1", "operational_indicator 1 of 1.1", 2025, 12)


def test_other_countries_cannot_download_and_reviewers_only_after_submission() -> None:
    fw = build_catalogue()
    a = services.create_assessment(
        country=CountryFactory(code="XAA"),
        cycle=2026,
        framework=fw,
        by=make_team(CountryFactory(code="XAA"), "a")["coordinator"],
    )
    other = make_team(CountryFactory(code="XBB"), "b")
    assert login(other["contributor"]).get(f"/assessments/{a.pk}/export.xlsx").status_code == 404
    reviewer = make_reviewer()
    assert login(reviewer).get(f"/assessments/{a.pk}/export.xlsx").status_code == 404


def test_secretariat_matrix_export_lists_reviewed_assessments_only() -> None:
    fw = build_catalogue()
    shown = CountryFactory(code="XSA", name="Submittia")
    hidden = CountryFactory(code="XDR", name="Draftland")
    t1, t2 = make_team(shown, "s"), make_team(hidden, "d")
    a = services.create_assessment(country=shown, cycle=2026, framework=fw, by=t1["coordinator"])
    services.create_assessment(country=hidden, cycle=2026, framework=fw, by=t2["coordinator"])
    services.transition(assessment_id=a.pk, by=t1["coordinator"], action="submit", confirm_open=True)
    response = login(make_reviewer()).get("/assessments/secretariat/matrix.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Submittia"]
    assert rows[0][:5] == ("Country", "ISO code", "Region", "Cycle", "State")
    assert "P1 standards met (%)" in rows[0]
    assert "P1 assessed (%)" in rows[0]


@pytest.mark.parametrize("language", ["fr", "ar", "zh-hans"])
def test_the_export_is_in_the_readers_language(language: str) -> None:
    from django.utils import translation

    country = CountryFactory(code="XAB")
    team = make_team(country, "b")
    a = services.create_assessment(
        country=country, cycle=2026, framework=build_catalogue(pillars=1), by=team["coordinator"]
    )
    client = login(team["observer"])
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    wb = load_workbook(io.BytesIO(client.get(f"/assessments/{a.pk}/export.xlsx").content))
    with translation.override(language):
        expected = [translation.gettext("Operational data"), translation.gettext("Review findings")]
        headers = (
            translation.gettext("Requirement"),
            translation.gettext("Code"),
            translation.gettext("Column"),
        )
        status = translation.gettext("Not yet assessed")
    assert wb.sheetnames[-2:] == [name[:31] for name in expected]
    assert "Operational data" not in wb.sheetnames
    rows = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert rows[0][:3] == headers
    assert any(status in (row[4] or "") for row in rows[1:])
