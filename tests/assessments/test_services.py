"""The services behind every write: state rules, validation, concurrency, evidence, teams."""

from __future__ import annotations

import io
import threading
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, connections, transaction
from django.test import override_settings

from assessments import services
from assessments.models import Answer, Assessment, Evidence, Membership, OperationalData
from framework.models import DisaggregationCategory, DisaggregationDimension, Item
from tests.factories import CountryFactory, UserFactory, build_catalogue, make_assessment, make_team

pytestmark = pytest.mark.django_db


def answer_for(assessment: Assessment, code: str) -> Answer:
    return assessment.answers.select_related("item").get(item__code=code)


def indicator(assessment: Assessment, code: str, answer_type: str = "count") -> Item:
    item = Item.objects.get(framework=assessment.framework, code=code)
    item.answer_type = answer_type
    item.save()
    return item


# --- creating assessments ------------------------------------------------------------------------


def test_a_new_assessment_has_an_open_answer_for_every_assessed_item() -> None:
    fw = build_catalogue(requirements=2, per_column=2)
    assessment = make_assessment(framework=fw)
    codes = set(assessment.answers.values_list("item__code", flat=True))
    assessed = set(
        Item.objects.filter(framework=fw, kind__in=Item.ASSESSED_KINDS).values_list("code", flat=True)
    )
    assert codes == assessed
    assert not assessment.answers.exclude(status=Answer.Status.NOT_ASSESSED).exists()
    assert assessment.state == Assessment.State.DRAFT


def test_one_assessment_per_country_cycle_and_framework() -> None:
    assessment = make_assessment()
    with pytest.raises(ValidationError, match="already has an assessment for 2026"):
        services.create_assessment(
            country=assessment.country, cycle=2026, framework=assessment.framework, by=assessment.created_by
        )


def test_prefill_carries_answers_over_flagged_until_confirmed() -> None:
    fw = build_catalogue()
    old = make_assessment(framework=fw, cycle=2024)
    prev = answer_for(old, "1.1.FI1")
    services.save_answer(
        answer_id=prev.pk,
        by=old.created_by,
        base_version=1,
        changes={"status": "met", "narrative": "Law 12/2019 criminalises trafficking."},
    )
    new = services.create_assessment(
        country=old.country, cycle=2026, framework=fw, by=old.created_by, prefill_from=old
    )
    carried = answer_for(new, "1.1.FI1")
    assert (carried.status, carried.narrative, carried.carried_over) == (
        "met",
        "Law 12/2019 criminalises trafficking.",
        True,
    )
    assert not answer_for(new, "1.1.IM1").carried_over  # nothing to carry: it was never answered
    confirmed = services.save_answer(answer_id=carried.pk, by=old.created_by, base_version=1, changes={})
    assert confirmed.carried_over is False
    assert confirmed.version == 2


def test_prefill_only_from_the_same_country() -> None:
    fw = build_catalogue()
    other = make_assessment(framework=fw, cycle=2024)
    with pytest.raises(ValidationError):
        services.create_assessment(
            country=CountryFactory(), cycle=2026, framework=fw, by=other.created_by, prefill_from=other
        )


# --- answers -------------------------------------------------------------------------------------


def test_saving_an_answer_bumps_its_version_and_keeps_history() -> None:
    assessment = make_assessment()
    answer = answer_for(assessment, "1.1.IM1")
    user = assessment.created_by
    saved = services.save_answer(
        answer_id=answer.pk,
        by=user,
        base_version=1,
        changes={"status": "partially_in_place", "narrative": "Regional units only."},
    )
    assert saved.version == 2
    history = list(saved.history.order_by("history_date"))
    assert history[-1].status == "partially_in_place"
    assert history[-1].history_change_reason == "changed status, narrative"


def test_a_stale_version_is_refused_with_the_current_answer() -> None:
    assessment = make_assessment()
    answer = answer_for(assessment, "1.1.IM1")
    services.save_answer(
        answer_id=answer.pk, by=assessment.created_by, base_version=1, changes={"narrative": "First"}
    )
    with pytest.raises(services.Conflict) as excinfo:
        services.save_answer(
            answer_id=answer.pk, by=assessment.created_by, base_version=1, changes={"narrative": "Second"}
        )
    assert excinfo.value.current.narrative == "First"
    answer.refresh_from_db()
    assert (answer.narrative, answer.version) == ("First", 2)


@pytest.mark.parametrize("status", ["not_applicable", "alternative"])
def test_not_applicable_and_alternative_need_a_justification(status: str) -> None:
    assessment = make_assessment()
    answer = answer_for(assessment, "1.1.IM1")
    with pytest.raises(ValidationError, match="needs a justification"):
        services.save_answer(
            answer_id=answer.pk, by=assessment.created_by, base_version=1, changes={"status": status}
        )
    answer.refresh_from_db()
    assert (answer.status, answer.version) == ("not_assessed", 1)
    saved = services.save_answer(
        answer_id=answer.pk,
        by=assessment.created_by,
        base_version=1,
        changes={"status": status, "justification": "Covered by the Penal Code, art. 4."},
    )
    assert saved.status == status


def test_the_database_refuses_an_unjustified_not_applicable_too() -> None:
    answer = answer_for(make_assessment(), "1.1.FI1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(status="not_applicable", justification="")


def test_status_must_fit_the_items_column() -> None:
    assessment = make_assessment()
    with pytest.raises(ValidationError, match="statuses offered"):
        services.save_answer(
            answer_id=answer_for(assessment, "1.1.FI1").pk,
            by=assessment.created_by,
            base_version=1,
            changes={"status": "in_place"},
        )
    with pytest.raises(ValidationError, match="statuses offered"):
        services.save_answer(
            answer_id=answer_for(assessment, "1.1.IM1").pk,
            by=assessment.created_by,
            base_version=1,
            changes={"status": "met"},
        )


def test_legal_references_are_structured_and_checked() -> None:
    assessment = make_assessment()
    answer = answer_for(assessment, "1.1.FI1")
    refs = [
        {
            "instrument": "Penal Code",
            "article": "art. 201",
            "adopted_on": "2019-05-02",
            "url": "https://laws.example/pc",
        },
        {"instrument": "", "article": "", "adopted_on": "", "url": ""},
    ]
    saved = services.save_answer(
        answer_id=answer.pk, by=assessment.created_by, base_version=1, changes={"legal_references": refs}
    )
    assert saved.legal_references == [refs[0]]
    for bad, message in [
        ([{"instrument": "Code", "adopted_on": "02/05/2019"}], "YYYY-MM-DD"),
        ([{"instrument": "Code", "url": "javascript:alert(1)"}], "http"),
        ([{"article": "art. 5"}], "instrument"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.save_answer(
                answer_id=answer.pk,
                by=assessment.created_by,
                base_version=2,
                changes={"legal_references": bad},
            )


def test_assignee_must_be_a_writing_member_of_the_team() -> None:
    assessment = make_assessment()
    team = make_team(assessment.country)
    answer = answer_for(assessment, "1.1.IM1")
    saved = services.save_answer(
        answer_id=answer.pk,
        by=team["coordinator"],
        base_version=1,
        changes={"assignee": team["contributor"].pk},
    )
    assert saved.assignee == team["contributor"]
    stranger: Any = UserFactory()
    for outsider in (team["observer"].pk, stranger.pk):
        with pytest.raises(ValidationError, match="coordinator or contributor"):
            services.save_answer(
                answer_id=answer.pk, by=team["coordinator"], base_version=2, changes={"assignee": outsider}
            )


@pytest.mark.parametrize("state", ["submitted", "in_review", "accepted"])
def test_submitted_and_accepted_assessments_are_read_only(state: str) -> None:
    assessment = make_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(state=state)
    answer = answer_for(assessment, "1.1.IM1")
    with pytest.raises(services.ReadOnly):
        services.save_answer(
            answer_id=answer.pk, by=assessment.created_by, base_version=1, changes={"narrative": "x"}
        )
    answer.refresh_from_db()
    assert answer.narrative == ""


def test_a_returned_assessment_opens_again() -> None:
    assessment = make_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(state="returned")
    answer = answer_for(assessment, "1.1.IM1")
    assert (
        services.save_answer(
            answer_id=answer.pk, by=assessment.created_by, base_version=1, changes={"narrative": "x"}
        ).version
        == 2
    )


# --- operational data ----------------------------------------------------------------------------


def dimension_with(categories: list[str], code: str = "sex") -> list[DisaggregationCategory]:
    dim = DisaggregationDimension.objects.create(code=code, name=code.title(), position=1)
    return [
        DisaggregationCategory.objects.create(dimension=dim, code=c, name=c.title(), position=n)
        for n, c in enumerate(categories)
    ]


def test_a_count_is_recorded_per_year_with_source_and_method() -> None:
    assessment = make_assessment()
    oi = indicator(assessment, "1.1.OI1")
    data = services.save_data(
        assessment=assessment,
        indicator=oi,
        period=2025,
        by=assessment.created_by,
        base_version=None,
        values={"value_count": "1,204", "source": "Police statistics", "method": "recorded"},
    )
    assert (data.value_count, data.version) == (1204, 1)
    with pytest.raises(services.Conflict):
        services.save_data(
            assessment=assessment,
            indicator=oi,
            period=2025,
            by=assessment.created_by,
            base_version=None,
            values={},
        )


def test_breakdown_parts_may_not_exceed_the_total_along_a_dimension() -> None:
    assessment = make_assessment()
    oi = indicator(assessment, "1.1.OI1")
    female, male, unknown = dimension_with(["female", "male", "unknown"])
    data = services.save_data(
        assessment=assessment,
        indicator=oi,
        period=2025,
        by=assessment.created_by,
        base_version=None,
        values={"value_count": 100},
    )
    with pytest.raises(ValidationError, match=r"by sex add up to 130, more than the total of 100"):
        services.set_breakdowns(
            data_id=data.pk, by=assessment.created_by, base_version=1, parts={female.pk: 80, male.pk: 50}
        )
    assert not data.breakdowns.exists()
    saved = services.set_breakdowns(
        data_id=data.pk,
        by=assessment.created_by,
        base_version=1,
        parts={female.pk: 60, male.pk: 35, unknown.pk: 5},
    )
    assert sorted(saved.breakdowns.values_list("value", flat=True)) == [5, 35, 60]
    # Lowering the total below its parts is refused as well.
    with pytest.raises(ValidationError, match="more than the total of 90"):
        services.save_data(
            assessment=assessment,
            indicator=oi,
            period=2025,
            by=assessment.created_by,
            base_version=2,
            values={"value_count": 90},
        )
    data.refresh_from_db()
    assert data.value_count == 100


@pytest.mark.parametrize(
    ("answer_type", "values", "message"),
    [
        ("count", {"value_count": "-3"}, "cannot be negative"),
        ("count", {"value_count": "twelve"}, "whole number"),
        ("amount", {"value_amount": "2500"}, "three-letter"),
        ("amount", {"value_amount": "-1", "currency": "USD"}, "positive amount"),
        ("yes_no", {"value_bool": "maybe"}, "yes or no"),
        ("count", {"not_collected": "on"}, "why the data is not collected"),
    ],
)
def test_bad_data_gets_a_clear_message_and_changes_nothing(
    answer_type: str, values: dict[str, Any], message: str
) -> None:
    assessment = make_assessment()
    oi = indicator(assessment, "1.1.OI1", answer_type)
    with pytest.raises(ValidationError, match=message):
        services.save_data(
            assessment=assessment,
            indicator=oi,
            period=2025,
            by=assessment.created_by,
            base_version=None,
            values=values,
        )
    assert not OperationalData.objects.exists()


def test_an_amount_keeps_its_currency() -> None:
    assessment = make_assessment()
    oi = indicator(assessment, "1.1.OI1", "amount")
    data = services.save_data(
        assessment=assessment,
        indicator=oi,
        period=2025,
        by=assessment.created_by,
        base_version=None,
        values={"value_amount": "250000.50", "currency": "eur"},
    )
    assert (str(data.value_amount), data.currency) == ("250000.50", "EUR")


# --- evidence ------------------------------------------------------------------------------------

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


# --- teams ---------------------------------------------------------------------------------------


def test_coordinator_adds_a_new_person_who_gets_an_account_without_password() -> None:
    country = CountryFactory()
    team = make_team(country)
    membership = services.add_member(
        country=country, email="New.Person@Ministry.example", role="contributor", by=team["coordinator"]
    )
    assert membership.user.email == "new.person@ministry.example"
    assert not membership.user.has_usable_password()
    with pytest.raises(ValidationError, match="already in the team"):
        services.add_member(
            country=country, email="new.person@ministry.example", role="observer", by=team["coordinator"]
        )


def test_the_last_coordinator_cannot_leave_or_step_down() -> None:
    country = CountryFactory()
    team = make_team(country)
    coordinator = Membership.objects.get(user=team["coordinator"], country=country)
    with pytest.raises(ValidationError, match="at least one national coordinator"):
        services.remove_member(membership=coordinator, by=team["coordinator"])
    with pytest.raises(ValidationError, match="at least one national coordinator"):
        services.change_member_role(membership=coordinator, role="observer", by=team["coordinator"])
    contributor = Membership.objects.get(user=team["contributor"], country=country)
    services.change_member_role(membership=contributor, role="coordinator", by=team["coordinator"])
    services.remove_member(membership=coordinator, by=team["coordinator"])
    assert not Membership.objects.filter(pk=coordinator.pk).exists()


# --- concurrency against PostgreSQL --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_hundred_parallel_writers_lose_no_update(postgres: None) -> None:
    """Each writer reads the version, then saves on it; every success is counted exactly once."""
    assessment = make_assessment()
    answer = answer_for(assessment, "1.1.IM1")
    user = assessment.created_by
    successes: list[int] = []
    conflicts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(20)
    lock = threading.Lock()

    def writer(n: int) -> None:
        try:
            if n < 20:
                start.wait()
            version = Answer.objects.get(pk=answer.pk).version
            try:
                services.save_answer(
                    answer_id=answer.pk, by=user, base_version=version, changes={"narrative": f"writer {n}"}
                )
                with lock:
                    successes.append(n)
            except services.Conflict:
                with lock:
                    conflicts.append(n)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(successes) + len(conflicts) == 100
    assert conflicts, "writers on the same version must conflict"
    answer.refresh_from_db()
    assert answer.version == 1 + len(successes)
    assert answer.history.count() == 1 + len(successes)  # creation + one record per successful write
    winner = answer.history.order_by("-history_date", "-history_id").first()
    assert winner is not None
    assert answer.narrative == winner.narrative
    assert connection.vendor == "postgresql"


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
