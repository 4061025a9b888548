"""National measures and technical-assistance needs through the API: created, changed, refused
for observers, and strict about their fields (evidence's fields too, checked alongside).
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from assessments import services
from tests.factories import api

pytestmark = pytest.mark.django_db


def test_national_measures_and_ta_needs(setup: dict[str, Any]) -> None:
    from framework.models import TechnicalAssistanceArea

    TechnicalAssistanceArea.objects.create(code="legislative", name="Legislative assistance", position=1)
    client = api(setup["team"]["coordinator"])
    base = f"/api/v1/assessments/{setup['a'].pk}"
    m = client.post(
        f"{base}/national-measures/",
        {"requirement": "1.1", "title": "Hotline", "budget": "1000", "currency": "EUR"},
        format="json",
    )
    assert m.status_code == 201, m.json()
    assert (
        client.post(
            f"{base}/national-measures/", {"requirement": "1.1", "title": "X", "budget": "10"}, format="json"
        ).status_code
        == 400
    )
    t = client.post(
        f"{base}/ta-needs/",
        {"requirement": "1.1", "area": "legislative", "priority": "high", "description": "Drafting"},
        format="json",
    )
    assert t.status_code == 201, t.json()
    assert (
        client.patch(f"{base}/ta-needs/{t.json()['id']}/", {"status": "requested"}, format="json").json()[
            "status"
        ]
        == "requested"
    )
    assert api(setup["team"]["observer"]).post(f"{base}/ta-needs/", {}, format="json").status_code == 403


def test_unknown_fields_of_evidence_measures_and_ta_needs_are_refused(setup: dict[str, Any]) -> None:
    from framework.models import TechnicalAssistanceArea

    TechnicalAssistanceArea.objects.create(code="legislative", name="Legislative assistance", position=1)
    client = api(setup["team"]["coordinator"])
    base = f"/api/v1/assessments/{setup['a'].pk}"
    link = {"url": "https://laws.example/pc", "title": "Online code"}
    for body, field in [({**link, "kind": "file"}, "kind"), ({**link, "titel": "x"}, "titel")]:
        response = client.post(f"{base}/evidence/", body, format="json")
        assert response.status_code == 400 and set(response.json()) == {field}, body
    pdf = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    pdf.name = "law.pdf"
    upload = client.post(f"{base}/evidence/", {"file": pdf, "sha256": "0" * 64}, format="multipart")
    assert upload.status_code == 400 and set(upload.json()) == {"sha256"}
    assert not client.get(f"{base}/evidence/").json()["results"]
    measure = {"requirement": "1.1", "title": "Hotline"}
    response = client.post(f"{base}/national-measures/", {**measure, "assessment": 99}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"assessment"}
    created = client.post(f"{base}/national-measures/", measure, format="json")
    response = client.patch(
        f"{base}/national-measures/{created.json()['id']}/", {"titel": "Helpline"}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"titel"}
    need = {"requirement": "1.1", "area": "legislative", "priority": "high", "description": "Drafting"}
    response = client.post(f"{base}/ta-needs/", {**need, "updated_at": "2020-01-01"}, format="json")
    assert response.status_code == 400 and "read-only" in response.json()["updated_at"][0]


def test_the_history_of_measures_needs_data_and_evidence_in_words_for_the_team_and_reviewers() -> None:
    """Each record's changes by field label and human value; another country's record, or a
    draft's for a reviewer, is a 404."""
    from django.test import Client

    from assessments.models import Assessment, NationalMeasure
    from framework.models import Requirement
    from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

    fw = build_catalogue()
    country = CountryFactory(code="XHI")
    team = make_team(country, "hi")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    requirement = Requirement.objects.get(framework=fw, code="1.1")
    measure = services.save_national_measure(
        measure=NationalMeasure(
            assessment=a, requirement=requirement, title="National action plan", status="planned"
        ),
        by=team["coordinator"],
    )
    measure.status = "in_progress"
    services.save_national_measure(measure=measure, by=team["contributor"])
    url = f"/assessments/{a.pk}/history/measure/{measure.pk}/"
    client = Client()
    client.force_login(team["observer"])
    html = client.get(url).content.decode()
    assert "National action plan" in html and "Planned" in html and "In progress" in html
    assert "in_progress" not in html.split("<main", 1)[1]
    assert team["contributor"].email in html
    outsider = Client()
    outsider.force_login(make_team(CountryFactory(code="XHJ"), "hj")["coordinator"])
    assert outsider.get(url).status_code == 404
    reviewer = Client()
    reviewer.force_login(make_reviewer())
    assert reviewer.get(url).status_code == 404  # a draft
    Assessment.objects.filter(pk=a.pk).update(state="submitted")
    assert reviewer.get(url).status_code == 200
    assert client.get(f"/assessments/{a.pk}/history/nonsense/{measure.pk}/").status_code == 404
    assert client.get(f"/assessments/{a.pk}/history/ta-need/{measure.pk}/").status_code == 404
