"""People read words, not codes: the gap page, the dashboard, the evidence library and the PDF's
HTML of an assessment with every status in use show no status, field or file-type code."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from assessments import services
from assessments.models import AnswerStatus
from assessments.templatetags.review import file_kind
from reports.pdf import report_html
from tests.factories import CountryFactory, build_catalogue, make_team

pytestmark = pytest.mark.django_db

# Codes the portal stores that must never be read: statuses, field names, content types. (Kinds
# of item, "framework_indicator", are left out: the test catalogue's item texts are made of them.)
CODES = [s for s in AnswerStatus.values if "_" in s] + [
    "legal_references",
    "content_type",
    "application/pdf",
    "in_review",
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)  # what is read, not the markup's attributes


@pytest.fixture
def assessment() -> Any:
    fw = build_catalogue(requirements=2, per_column=3)
    country = CountryFactory(code="XWD")
    team = make_team(country, "wd")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    statuses = {
        "framework_indicator": iter(["not_met", "partially_met", "not_applicable"]),
        "implementation_measure": iter(["partially_in_place", "planned", "not_in_place"]),
    }
    for answer in a.answers.order_by("pk"):
        status = next(statuses[answer.kind], None)
        if status is not None:
            services.save_answer(
                answer_id=answer.pk,
                by=team["coordinator"],
                base_version=1,
                changes={"status": status, "justification": "Why", "narrative": "Our story"},
            )
    services.add_file_evidence(
        assessment=a, by=team["coordinator"], upload=SimpleUploadedFile("law.pdf", PDF, "application/pdf")
    )
    return a, team


def test_file_types_read_as_words() -> None:
    with translation.override("en"):
        assert file_kind("application/pdf") == "PDF document"
        assert file_kind("image/png") == "image"
        assert file_kind("application/x-unknown") == "file"
    with translation.override("fr"):
        assert file_kind("application/pdf") != "PDF document"


def test_no_code_in_the_pages_or_the_report(assessment: Any) -> None:
    a, team = assessment
    assert {"not_met", "partially_met", "not_applicable"} <= set(a.answers.values_list("status", flat=True))
    client = Client()
    client.force_login(team["coordinator"])
    pages = {
        path: text_of(client.get(path).content.decode())
        for path in (
            f"/reports/assessments/{a.pk}/gap-analysis/",
            f"/assessments/{a.pk}/",
            f"/assessments/{a.pk}/evidence/",
        )
    }
    with translation.override("en"):
        pages["the PDF's HTML"] = text_of(report_html(a))
    found = {name: [c for c in CODES if c in text] for name, text in pages.items()}
    assert found == {name: [] for name in pages}
    assert "PDF document" in pages[f"/assessments/{a.pk}/evidence/"]
    # Each gap carries the country's own words.
    assert "Our story" in pages[f"/reports/assessments/{a.pk}/gap-analysis/"]
    assert "Our story" in pages["the PDF's HTML"]
    assert "Not met" in pages[f"/reports/assessments/{a.pk}/gap-analysis/"]


def test_the_report_names_its_issuer_and_confidentiality_and_the_items_citing_each_document(
    assessment: Any, settings: Any
) -> None:
    from assessments.models import Evidence

    a, team = assessment
    evidence = Evidence.objects.get(assessment=a)
    answer = a.answers.filter(kind="framework_indicator").order_by("pk").first()
    services.set_answer_evidence(answer_id=answer.pk, by=team["coordinator"], evidence_ids=[evidence.pk])
    settings.REPORT_ISSUER = "Ministry of Justice of Testland"
    settings.REPORT_CONFIDENTIALITY = "Restricted: for official use"
    with translation.override("en"):
        html = report_html(a)
    assert "Ministry of Justice of Testland" in html and "Restricted: for official use" in html
    assert (
        '@bottom-left { content: "Ministry of Justice of Testland · Restricted: for official use"; }' in html
    )
    annex = html[html.index('id="evidence"') :]
    assert f'<span class="code">{answer.item.code}</span>' in annex
    settings.REPORT_ISSUER = settings.REPORT_CONFIDENTIALITY = ""
    with translation.override("en"):
        assert "@bottom-left" not in report_html(a)
