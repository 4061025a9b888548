"""Evidence: files sniffed by their bytes and stored privately under a generated name, links that
are web addresses, citations from the assessment's own evidence only, kept in history; the same
through the API.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from assessments import services
from assessments.models import Evidence
from tests.factories import CountryFactory, answer_for, api, make_assessment

pytestmark = pytest.mark.django_db


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("law.pdf", PDF, "application/pdf"),
        (
            "plan.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("figures.csv", b"year,victims\n2024,12\n", "text/csv"),
        ("note.txt", "Résumé des mesures".encode(), "text/plain"),
        (
            "compare.txt",
            b"\xef\xbb\xbfIf a < b and b > c, then <no markup> here; see <https://example.org>",
            "text/plain",
        ),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
    ],
)
def test_accepted_files_are_stored_privately_with_type_and_hash(
    name: str, content: bytes, mime: str, tmp_path: Any
) -> None:
    import hashlib

    assessment = make_assessment()
    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path):
        evidence = services.add_file_evidence(
            assessment=assessment, by=assessment.created_by, upload=SimpleUploadedFile(name, content)
        )
        assert evidence.content_type == mime
        assert evidence.sha256 == hashlib.sha256(content).hexdigest()
        assert evidence.size == len(content)
        assert name not in str(evidence.file.name)  # stored under a generated name
        assert evidence.file.path.startswith(str(tmp_path))
        with evidence.file.open("rb") as f:
            assert f.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("law.pdf", b"<html><script>alert(1)</script></html>"),
        ("plan.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200),
        ("notes.txt", b"<!DOCTYPE html><html><body>hi</body></html>"),
        ("bom.txt", "\ufeff<html><script>alert(1)</script></html>".encode()),
        ("comment.txt", b"<!-- a note -->\n<html><body onload=alert(1)>hi</body></html>"),
        ("prose.txt", b"Minutes of the meeting\n" * 20 + b"<SCRIPT src=//x></SCRIPT>"),
        ("svg.csv", b"year,victims\n<svg/onload=alert(1)>\n"),
        ("utf16.txt", "<html><body>hi</body></html>".encode("utf-16")),
        ("data.csv", b"\x7fELF\x02\x01\x01" + b"\x00" * 100),
        ("archive.pdf", b"PK\x03\x04" + b"\x00" * 100),
        ("empty.pdf", b""),
    ],
)
def test_disguised_or_unknown_files_are_refused(name: str, content: bytes, tmp_path: Any) -> None:
    assessment = make_assessment()
    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path), pytest.raises(ValidationError):
        services.add_file_evidence(
            assessment=assessment, by=assessment.created_by, upload=SimpleUploadedFile(name, content)
        )
    assert not Evidence.objects.exists()
    assert not any(tmp_path.rglob("*"))


def test_files_over_the_size_limit_are_refused(tmp_path: Any) -> None:
    assessment = make_assessment()
    with (
        override_settings(PRIVATE_MEDIA_ROOT=tmp_path, EVIDENCE_MAX_BYTES=100),
        pytest.raises(ValidationError, match="larger than"),
    ):
        services.add_file_evidence(
            assessment=assessment,
            by=assessment.created_by,
            upload=SimpleUploadedFile("big.pdf", PDF + b" " * 200),
        )


def test_evidence_is_cited_only_from_its_own_assessment(tmp_path: Any) -> None:
    assessment = make_assessment()
    other = make_assessment(framework=assessment.framework, country=CountryFactory())
    mine = services.add_link_evidence(
        assessment=assessment, by=assessment.created_by, url="https://x.example/a", title="A"
    )
    theirs = services.add_link_evidence(
        assessment=other, by=other.created_by, url="https://x.example/b", title="B"
    )
    answer = answer_for(assessment, "1.1.IM1")
    services.set_answer_evidence(answer_id=answer.pk, by=assessment.created_by, evidence_ids=[mine.pk])
    assert list(answer.evidence.all()) == [mine]
    with pytest.raises(ValidationError):
        services.set_answer_evidence(
            answer_id=answer.pk, by=assessment.created_by, evidence_ids=[mine.pk, theirs.pk]
        )
    assert list(answer.evidence.all()) == [mine]
    with pytest.raises(ValidationError, match="cited by an answer"):
        services.delete_evidence(evidence=mine, by=assessment.created_by)


def test_links_must_be_web_addresses() -> None:
    assessment = make_assessment()
    for url in ["javascript:alert(1)", "file:///etc/passwd", "ftp://x", "not a url"]:
        with pytest.raises(ValidationError):
            services.add_link_evidence(assessment=assessment, by=assessment.created_by, url=url, title="x")


def test_evidence_links_and_unlinks_are_kept_in_history() -> None:
    from assessments.models import AnswerEvidence

    assessment = make_assessment()
    user = assessment.created_by
    law = services.add_link_evidence(assessment=assessment, by=user, url="https://x.example/law", title="Law")
    plan = services.add_link_evidence(
        assessment=assessment, by=user, url="https://x.example/plan", title="Plan"
    )
    answer = answer_for(assessment, "1.1.IM1")
    services.set_answer_evidence(answer_id=answer.pk, by=user, evidence_ids=[law.pk, plan.pk])
    services.set_answer_evidence(answer_id=answer.pk, by=user, evidence_ids=[plan.pk])
    events = sorted(
        AnswerEvidence.history.filter(answer_id=answer.pk).values_list("evidence_id", "history_type")
    )
    assert events == sorted([(law.pk, "+"), (plan.pk, "+"), (law.pk, "-")])
    assert list(answer.evidence.all()) == [plan]


# --- through the API -----------------------------------------------------------------------------


def test_evidence_upload_by_multipart_and_link(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["contributor"])
    base = f"/api/v1/assessments/{setup['a'].pk}/evidence/"
    pdf = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    pdf.name = "law.pdf"
    response = client.post(base, {"file": pdf, "title": "Penal Code"}, format="multipart")
    assert response.status_code == 201
    assert response.json()["content_type"] == "application/pdf"
    assert len(response.json()["sha256"]) == 64
    disguised = io.BytesIO(b"<html><script>alert(1)</script></html>")
    disguised.name = "law.pdf"
    bad = client.post(base, {"file": disguised}, format="multipart")
    assert bad.status_code == 400
    assert "file" in bad.json()
    link = client.post(base, {"url": "https://laws.example/pc", "title": "Online code"}, format="json")
    assert link.status_code == 201
    answer_url = f"/api/v1/assessments/{setup['a'].pk}/answers/1.1.IM1/"
    cited = client.patch(answer_url, {"evidence": [link.json()["id"]]}, format="json", HTTP_IF_MATCH='"1"')
    assert cited.json()["evidence"] == [link.json()["id"]]
    assert client.delete(f"{base}{link.json()['id']}/").status_code == 400  # still cited


def test_a_form_encoded_write_may_carry_the_csrf_token(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["coordinator"])
    body = {"url": "https://laws.example/pc", "title": "Online code", "csrfmiddlewaretoken": "x"}
    response = client.post(f"/api/v1/assessments/{setup['a'].pk}/evidence/", body)
    assert response.status_code == 201, response.json()
