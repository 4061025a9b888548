"""Report jobs and the PDF: requested after commit, rendered once, reused, swept, failed cleanly."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment
from reports import services
from reports.models import ReportJob
from reports.pdf import render_report
from tests.conftest import require
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    fw = build_catalogue(pillars=2, requirements=2, per_column=2)
    country = CountryFactory(code="XPA", name="Pdfland")
    team = make_team(country, "p")
    a = assessment_services.create_assessment(
        country=country, cycle=2026, framework=fw, by=team["coordinator"]
    )
    answer = a.answers.get(item__code="1.1.FI1")
    assessment_services.save_answer(
        answer_id=answer.pk, by=team["coordinator"], base_version=1, changes={"status": "not_met"}
    )
    return {"a": a, "team": team}


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    require(
        shutil.which("pdftotext") is not None, "pdftotext (Debian package poppler-utils) is not installed"
    )
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_requested_report_is_rendered_after_commit_and_offered_again_while_nothing_changes(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    a, coordinator = world["a"], world["team"]["coordinator"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.request_report(assessment=a, by=coordinator)
        assert job.state == "queued"
        assert job.assessment_state == "draft"
    assert len(callbacks) == 1  # published only after commit
    for callback in callbacks:
        callback()  # eager Celery: the worker runs here
    job.refresh_from_db()
    assert (job.state, job.progress, job.attempts) == ("done", 100, 1)
    assert job.pages and job.pages > 3
    with job.file.open("rb") as f:
        content = f.read()
    assert content.startswith(b"%PDF")
    import hashlib

    assert hashlib.sha256(content).hexdigest() == job.sha256
    with django_capture_on_commit_callbacks(execute=True):
        again = services.request_report(assessment=a, by=coordinator)
    assert again.pk == job.pk  # unchanged assessment: the finished file is offered at once
    answer = a.answers.get(item__code="1.1.IM1")
    assessment_services.save_answer(
        answer_id=answer.pk, by=coordinator, base_version=1, changes={"status": "planned"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.request_report(assessment=a, by=coordinator)
    assert changed.pk != job.pk


def test_the_demo_report_holds_country_every_pillar_a_known_gap_and_embedded_fonts(tmp_path: Path) -> None:
    import io

    from django.core.management import call_command

    from reports.gap import gap_analysis

    for command in ("load_framework", "load_countries"):
        call_command(command, stdout=io.StringIO())
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    demo = Assessment.objects.get(country__code="XDA")
    known_gap = gap_analysis(demo)["gaps"][0]["code"]
    rendered = render_report(demo)
    text = pdftotext(rendered.pdf, tmp_path)
    assert "Demoland" in text
    for heading in (
        "1. Prosecution",
        "2. Protection/Assistance",
        "3. Prevention",
        "4. National coordination/cooperation",
        "5. International cooperation/coordination",
    ):
        assert heading in text, heading
    assert known_gap in text
    assert rendered.refused == []
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True
    ).stdout
    lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert lines
    assert all(" yes " in line for line in lines), fonts  # every font embedded
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info


INJECTIONS = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/hostname">',
    '<style>@import url(http://127.0.0.1:6379/);</style><div style="background:url(http://127.0.0.1:6379/)">x</div>',
    '<img src="/media/evidence/999/secret">',
]


def test_hostile_text_in_every_field_comes_out_as_text_and_nothing_is_fetched(
    world: dict[str, Any], tmp_path: Path
) -> None:
    from assessments.models import NationalMeasure, TechnicalAssistanceNeed
    from framework.models import TechnicalAssistanceArea

    a, user = world["a"], world["team"]["coordinator"]
    evil = " ".join(INJECTIONS)
    for answer in a.answers.all():
        assessment_services.save_answer(
            answer_id=answer.pk,
            by=user,
            base_version=answer.version,
            changes={"status": "not_applicable", "narrative": evil, "justification": evil},
        )
    assessment_services.add_link_evidence(
        assessment=a, by=user, url="https://x.example/", title=evil, description=evil
    )
    requirement = a.framework.requirements.get(code="1.1")
    area = TechnicalAssistanceArea.objects.create(code="legislative", name=evil[:200], position=1)
    assessment_services.save_national_measure(
        measure=NationalMeasure(
            assessment=a,
            requirement=requirement,
            title=evil[:300],
            description=evil,
            responsible_body=evil[:300],
        ),
        by=user,
    )
    assessment_services.save_ta_need(
        need=TechnicalAssistanceNeed(assessment=a, requirement=requirement, area=area, description=evil),
        by=user,
    )
    oi = a.framework.items.get(code="1.1.OI1")
    assessment_services.save_data(
        assessment=a,
        indicator=oi,
        period=2025,
        by=user,
        base_version=None,
        values={"value_count": 3, "source": evil[:500]},
    )
    Assessment.objects.filter(pk=a.pk).update(state="in_review")
    reviewer = make_reviewer()
    finding = assessment_services.add_finding(assessment=a, by=reviewer, requirement=requirement, text=evil)
    assessment_services.reply_to_finding(finding=finding, by=user, text=evil)
    rendered = render_report(a)
    assert rendered.refused == []  # no fetch was even attempted
    text = pdftotext(rendered.pdf, tmp_path)
    assert 'src="file:///etc/passwd"' in text.replace("\n", " ") or "file:///etc/passwd" in text


def test_a_job_that_always_fails_ends_failed_with_a_readable_message(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    import reports.pdf

    def broken(assessment: Any) -> Any:
        raise RuntimeError("the renderer ran out of paper")

    monkeypatch.setattr(reports.pdf, "render_report", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_report(assessment=world["a"], by=world["team"]["coordinator"])
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("queued", 1)  # back in the queue with the error noted
    assert "ran out of paper" in job.error
    # The worker's retries (eager Celery does not re-run them): each attempt counts.
    for _ in range(services.MAX_ATTEMPTS - 1):
        with pytest.raises(RuntimeError):
            services.run(job.pk)
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.attempts == services.MAX_ATTEMPTS
    assert "after 3 attempts" in job.error
    assert "ran out of paper" in job.error
    assert not job.file


def test_the_sweeper_publishes_lost_jobs_and_reclaims_expired_leases(world: dict[str, Any]) -> None:
    a, user = world["a"], world["team"]["coordinator"]
    old = timezone.now() - datetime.timedelta(minutes=10)
    lost = ReportJob.objects.create(assessment=a, fingerprint="x", requested_by=user)
    ReportJob.objects.filter(pk=lost.pk).update(requested_at=old)
    stuck = ReportJob.objects.create(
        assessment=a, fingerprint="y", requested_by=user, state="running", attempts=1, lease_until=old
    )
    dead = ReportJob.objects.create(
        assessment=a, fingerprint="z", requested_by=user, state="running", attempts=3, lease_until=old
    )
    counts = services.sweep()
    assert counts["failed"] == 1
    for job in (lost, stuck):
        job.refresh_from_db()
        assert job.state == "done", job.error  # eager Celery ran them
    dead.refresh_from_db()
    assert dead.state == "failed"
    assert "stopped answering" in dead.error


def test_who_may_request_see_and_download(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    a, team = world["a"], world["team"]

    def login(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    assert login(team["contributor"]).post(f"/reports/assessments/{a.pk}/reports/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = login(team["coordinator"]).post(f"/reports/assessments/{a.pk}/reports/")
    job = ReportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    observer = login(team["observer"])
    assert "Download the PDF" in observer.get(job.get_absolute_url()).content.decode()
    download = observer.get(f"/reports/assessments/{a.pk}/reports/{job.pk}/download/")
    assert download["Content-Type"] == "application/pdf"
    outsider = login(make_team(CountryFactory(code="XPB"), "q")["coordinator"])
    assert outsider.get(f"/reports/assessments/{a.pk}/reports/{job.pk}/download/").status_code == 404
    assert outsider.get(job.get_absolute_url()).status_code == 404


def test_report_api_create_status_download(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from rest_framework.test import APIClient

    a, team = world["a"], world["team"]
    client = APIClient()
    client.force_authenticate(team["coordinator"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/api/v1/assessments/{a.pk}/reports/")
    assert response.status_code == 202
    job_url = response["Location"]
    assert client.get(job_url).json()["state"] == "queued"
    for callback in callbacks:
        callback()
    status = client.get(job_url).json()
    assert status["state"] == "done"
    pdf = client.get(status["download"])
    assert pdf["Content-Type"] == "application/pdf"
    again = client.post(f"/api/v1/assessments/{a.pk}/reports/")
    assert again.status_code == 200  # unchanged: the finished report at once
    contributor = APIClient()
    contributor.force_authenticate(team["contributor"])
    assert contributor.post(f"/api/v1/assessments/{a.pk}/reports/").status_code == 403
    outsider = APIClient()
    outsider.force_authenticate(make_team(CountryFactory(code="XPC"), "r")["coordinator"])
    assert outsider.get(job_url).status_code == 404


def test_the_pdf_sets_all_six_un_languages_in_the_portals_own_fonts(
    world: dict[str, Any], tmp_path: Path
) -> None:
    """Latin, Cyrillic, Arabic and Chinese text render with the shipped fonts, all embedded."""
    from assessments.models import Answer

    a, user = world["a"], world["team"]["coordinator"]
    text = (
        "Trafficking · Торговля людьми · الاتجار بالبشر · 贩运人口 · Trata de personas · Traite des personnes"
    )
    answer = Answer.objects.get(assessment=a, item__code="1.1.FI1")
    assessment_services.save_answer(
        answer_id=answer.pk, by=user, base_version=answer.version, changes={"narrative": text}
    )
    Assessment.objects.filter(pk=a.pk).update(state="in_review")
    finding = assessment_services.add_finding(
        assessment=a, by=make_reviewer(), requirement=a.framework.requirements.get(code="1.1"), text=text
    )
    assert finding.pk
    rendered = render_report(a)
    assert rendered.refused == []
    out = pdftotext(rendered.pdf, tmp_path)
    for word in ("Торговля", "贩运人口", "Trata"):
        assert word in out, word
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True
    ).stdout
    names = fonts.lower()
    assert "portal-sans" in names
    assert "portal-arabic" in names
    assert "portal-cjk" in names
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())


def test_a_job_whose_worker_died_is_taken_back_as_soon_as_its_lease_runs_out(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "LEASE", datetime.timedelta(seconds=2))
    job = ReportJob.objects.create(
        assessment=world["a"], fingerprint="x", requested_by=world["team"]["coordinator"]
    )
    assert services.claim(job.pk).job is not None  # a worker takes it, then dies without a word
    redelivered = services.run(job.pk)
    assert redelivered.job is None and 0 < redelivered.wait <= 2  # waits for the lease, renders nothing
    assert services.sweep()["requeued"] == 0  # the lease is still running
    time.sleep(2.1)
    assert services.sweep()["requeued"] == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 2)  # eager Celery: taken over at once


@pytest.mark.django_db(transaction=True)
def test_a_slow_render_keeps_renewing_its_lease_and_is_never_taken_from_its_worker(
    world: dict[str, Any], postgres: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    import reports.pdf

    lease = datetime.timedelta(seconds=1)
    monkeypatch.setattr(services, "LEASE", lease)
    real_render = reports.pdf.render_report

    def slow_render(assessment: Any) -> Any:
        time.sleep(lease.total_seconds() * 4)  # one blocking step much longer than the lease
        return real_render(assessment)

    monkeypatch.setattr(reports.pdf, "render_report", slow_render)
    job = ReportJob.objects.create(
        assessment=world["a"],
        fingerprint="x",
        requested_by=world["team"]["coordinator"],
        published_at=timezone.now(),
    )

    def worker() -> None:
        try:
            services.run(job.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    leases = set()
    while thread.is_alive():
        counts = services.sweep()
        assert counts["requeued"] == counts["failed"] == 0, "the sweeper took a live worker's job"
        leases.add(ReportJob.objects.get(pk=job.pk).lease_until)
        time.sleep(0.2)
    thread.join()
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 1)
    assert len(leases - {None}) >= 4  # renewed while rendering


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_report_is_written_in_the_language_chosen_when_requested(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any, tmp_path: Path, language: str
) -> None:
    from django.utils import translation

    a, coordinator = world["a"], world["team"]["coordinator"]
    with django_capture_on_commit_callbacks(execute=True):
        english = services.request_report(assessment=a, by=coordinator, language="en")
        job = services.request_report(assessment=a, by=coordinator, language=language)
    assert job.pk != english.pk  # one report per language
    job.refresh_from_db()
    assert (job.state, job.language) == ("done", language)
    with job.file.open("rb") as f:
        text = pdftotext(f.read(), tmp_path)
    with translation.override(language):
        heading = translation.gettext("Executive summary")
        page = translation.gettext("Page %(page)s of %(pages)s").split("%")[0].strip()
    assert heading != "Executive summary" and heading in text, text[:1500]
    assert "Executive summary" not in text and "Page 1 of" not in text
    assert page in text


def test_the_requesters_language_is_the_reports_by_default(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from portal.models import Profile

    a, coordinator = world["a"], world["team"]["coordinator"]
    Profile.objects.filter(user=coordinator).update(language="es")
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)  # without the cached profile
    with django_capture_on_commit_callbacks(execute=False):
        job = services.request_report(assessment=a, by=coordinator)
    assert job.language == "es"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_editable_word_document_is_produced_by_the_same_jobs_with_the_same_sections(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any, language: str
) -> None:
    """Requested from the gap page, rendered by a job, downloaded as .docx; python-docx reads it
    back with the PDF's sections and the country's words; in Arabic it runs right to left."""
    import io

    import docx
    from django.utils import translation

    a, coordinator = world["a"], world["team"]["coordinator"]
    answer = a.answers.get(item__code="1.1.FI1")
    assessment_services.save_answer(
        answer_id=answer.pk,
        by=coordinator,
        base_version=2,
        changes={"narrative": "Draft law before Parliament"},
    )
    client = Client()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/assessments/{a.pk}/reports/", {"kind": "gap_docx", "language": language})
    job = ReportJob.objects.get(assessment=a, kind="gap_docx")
    assert (job.state, job.language, job.pages) == ("done", language, None)
    response = client.get(f"/reports/assessments/{a.pk}/reports/{job.pk}/download/")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert ".docx" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    headings = [
        p.text for p in document.paragraphs if p.style and p.style.name.startswith(("Heading", "Title"))
    ]
    with translation.override(language):
        for section in (
            "Executive summary",
            "Operational data",
            "Technical assistance needs",
            "Annex: evidence",
        ):
            assert translation.gettext(section) in headings, headings
    assert "Pdfland" in headings[0] or a.country.display_name in headings[0]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Draft law before Parliament" in text
    assert "not_met" not in text and "not_assessed" not in text
    bidi = document.element.body.xpath(".//w:bidi")
    assert bool(bidi) == (language == "ar")
