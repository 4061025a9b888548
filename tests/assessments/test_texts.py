"""What people type: control characters and limits, decided once in the services for every output.

A NUL byte is refused with a message, other control characters but tab and newline are removed, a
text over its field's limit is refused with a message naming the limit (never stored cut), and the
limits are the same in pages and API, documented in the schema and shown beside each field.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from assessments import services
from assessments.forms import EvidenceLinkForm, NationalMeasureForm
from assessments.models import (
    Answer,
    Assessment,
    Evidence,
    Finding,
    FindingReply,
    NationalMeasure,
    OperationalData,
    TechnicalAssistanceNeed,
    Transition,
)
from assessments.texts import clean_text, clean_text_fields
from framework.models import Item, TechnicalAssistanceArea
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    fw = build_catalogue()
    country = CountryFactory(code="XAA")
    team = make_team(country, "a")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    return {"fw": fw, "a": a, "team": team, "reviewer": make_reviewer()}


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_review(a: Assessment) -> None:
    Assessment.objects.filter(pk=a.pk).update(state=Assessment.State.IN_REVIEW)
    a.refresh_from_db()


def narrative_indicator(a: Assessment) -> Item:
    item = Item.objects.get(framework=a.framework, code="1.1.OI1")
    item.answer_type = Item.AnswerType.NARRATIVE
    item.save()
    return item


# --- the rule, once ------------------------------------------------------------------------------


def test_a_nul_byte_is_refused_with_a_message() -> None:
    with pytest.raises(ValidationError) as exc:
        clean_text("before\x00after", field="narrative", limit=100)
    assert "null character" in exc.value.message_dict["narrative"][0]


def test_other_control_characters_are_removed_but_tab_and_newline_kept() -> None:
    assert clean_text("a\x07b\x0bc\x0cd\x1be\x7ff\tg\nh", field="x", limit=100) == "abcdef\tg\nh"


def test_windows_and_old_mac_line_ends_become_newlines() -> None:
    assert clean_text("one\r\ntwo\rthree", field="x", limit=100) == "one\ntwo\nthree"


def test_a_text_over_its_limit_is_refused_naming_the_limit_and_its_length() -> None:
    with pytest.raises(ValidationError) as exc:
        clean_text("x" * 5234, field="comment", limit=5000)
    message = exc.value.message_dict["comment"][0]
    assert "5,000" in message
    assert "5,234" in message


def test_a_text_of_exactly_the_limit_is_accepted() -> None:
    assert clean_text("x" * 5000, field="comment", limit=5000) == "x" * 5000


def test_line_ends_count_once_toward_the_limit() -> None:
    # A browser sends a textarea's newlines as CRLF; the API's clients send LF: both count the same.
    assert clean_text("ab\r\n" * 1000, field="x", limit=3000) == "ab\n" * 1000


def test_every_text_field_of_a_record_is_cleaned_and_all_refusals_are_listed() -> None:
    need = TechnicalAssistanceNeed(description="Drafting\x07 help")
    clean_text_fields(need)
    assert need.description == "Drafting help"
    measure = NationalMeasure(title="x" * 301, description="\x00")
    with pytest.raises(ValidationError) as exc:
        clean_text_fields(measure)
    assert set(exc.value.message_dict) == {"title", "description"}


def test_every_user_text_field_has_a_limit() -> None:
    from django.db import models

    for model in (
        Answer,
        OperationalData,
        Evidence,
        NationalMeasure,
        TechnicalAssistanceNeed,
        Transition,
        Finding,
        FindingReply,
    ):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField | models.CharField):
                assert field.max_length, f"{model.__name__}.{field.name} has no limit"


# --- services: refused, never cut ----------------------------------------------------------------


def test_an_over_long_finding_or_reply_is_refused_not_cut(world: dict[str, Any]) -> None:
    a, reviewer = world["a"], world["reviewer"]
    in_review(a)
    requirement = a.framework.requirements.get(code="1.1")
    with pytest.raises(ValidationError, match="10,000"):
        services.add_finding(assessment=a, by=reviewer, requirement=requirement, text="x" * 10001)
    assert not Finding.objects.exists()
    finding = services.add_finding(assessment=a, by=reviewer, requirement=requirement, text="x" * 10000)
    assert len(finding.text) == 10000
    with pytest.raises(ValidationError, match="10,000"):
        services.reply_to_finding(finding=finding, by=reviewer, text="y" * 10001)
    assert not FindingReply.objects.exists()


def test_over_long_data_and_evidence_texts_are_refused_not_cut(world: dict[str, Any]) -> None:
    a, user = world["a"], world["team"]["contributor"]
    item = narrative_indicator(a)
    for values in (
        {"source": "s" * 501},
        {"value_text": "t" * 20001},
        {"not_collected": True, "not_collected_reason": "r" * 5001},
    ):
        with pytest.raises(ValidationError, match="characters or fewer"):
            services.save_data(
                assessment=a, indicator=item, period=2025, by=user, base_version=None, values=values
            )
    assert not OperationalData.objects.exists()
    with pytest.raises(ValidationError, match="5,000"):
        services.add_link_evidence(
            assessment=a, by=user, url="https://x.example", title="T", description="d" * 5001
        )
    with pytest.raises(ValidationError, match="300"):
        services.add_link_evidence(assessment=a, by=user, url="https://x.example", title="t" * 301)
    assert not Evidence.objects.exists()


def test_a_transition_comment_with_a_nul_byte_is_refused_and_the_state_kept(world: dict[str, Any]) -> None:
    a = world["a"]
    with pytest.raises(ValidationError, match="null character"):
        services.transition(
            assessment_id=a.pk,
            by=world["team"]["coordinator"],
            action="submit",
            comment="ok\x00",
            confirm_open=True,
        )
    a.refresh_from_db()
    assert a.state == Assessment.State.DRAFT
    assert not Transition.objects.exists()


def test_legal_references_are_cleaned_and_limited_too(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="Reference 1, instrument"):
        services.clean_legal_references([{"instrument": "P" * 501}])
    with pytest.raises(ValidationError, match="null character"):
        services.clean_legal_references([{"instrument": "Penal\x00 Code"}])
    assert (
        services.clean_legal_references([{"instrument": "Penal\x1b Code"}])[0]["instrument"] == "Penal Code"
    )


def test_an_email_longer_than_a_user_name_may_be_is_refused(world: dict[str, Any]) -> None:
    email = "a" * 140 + "@example.org"
    with pytest.raises(ValidationError, match="150"):
        services.invite(country=world["a"].country, email=email, role="observer", by=None)


# --- API ---------------------------------------------------------------------------------------


def test_over_long_texts_in_the_api_are_refused_naming_the_limit_and_nothing_is_stored(
    world: dict[str, Any],
) -> None:
    a, team, reviewer = world["a"], world["team"], world["reviewer"]
    base = f"/api/v1/assessments/{a.pk}"
    TechnicalAssistanceArea.objects.create(code="legislative", name="Legislative assistance", position=1)
    narrative_indicator(a)
    writer = api(team["coordinator"])
    cases = [
        (f"{base}/evidence/", {"url": "https://x.example", "title": "T", "description": "d" * 5001}, "5000"),
        (
            f"{base}/national-measures/",
            {"requirement": "1.1", "title": "M", "description": "d" * 10001},
            "10000",
        ),
        (
            f"{base}/ta-needs/",
            {"requirement": "1.1", "area": "legislative", "description": "d" * 5001},
            "5000",
        ),
        (f"{base}/data/", {"indicator": "1.1.OI1", "period": 2025, "value_text": "t" * 20001}, "20000"),
    ]
    for url, body, limit in cases:
        response = writer.post(url, body, format="json")
        assert response.status_code == 400, url
        assert limit in str(response.json()), url
    assert not Evidence.objects.exists()
    assert not NationalMeasure.objects.exists()
    assert not TechnicalAssistanceNeed.objects.exists()
    assert not OperationalData.objects.exists()

    in_review(a)
    long_finding = api(reviewer).post(
        f"{base}/findings/", {"requirement": "1.1", "text": "f" * 10001}, format="json"
    )
    assert long_finding.status_code == 400
    assert "10000" in str(long_finding.json())
    fid = api(reviewer).post(f"{base}/findings/", {"requirement": "1.1", "text": "Penalties?"}, format="json")
    long_reply = api(team["contributor"]).post(
        f"{base}/findings/{fid.json()['id']}/replies/", {"text": "r" * 10001}, format="json"
    )
    assert long_reply.status_code == 400
    assert "10000" in str(long_reply.json())
    assert Finding.objects.count() == 1
    assert not FindingReply.objects.exists()


def test_a_data_narrative_changed_over_its_limit_is_refused_in_the_api(world: dict[str, Any]) -> None:
    a, user = world["a"], world["team"]["coordinator"]
    item = narrative_indicator(a)
    row = services.save_data(
        assessment=a, indicator=item, period=2025, by=user, base_version=None, values={"value_text": "Ok"}
    )
    response = api(user).patch(
        f"/api/v1/assessments/{a.pk}/data/{row.pk}/",
        {"value_text": "t" * 20001},
        format="json",
        HTTP_IF_MATCH=f'"{row.version}"',
    )
    assert response.status_code == 400
    assert "20,000" in response.json()["value_text"][0]
    row.refresh_from_db()
    assert row.value_text == "Ok"


def test_a_reply_with_a_nul_byte_is_refused_with_a_message_not_a_500(world: dict[str, Any]) -> None:
    a, reviewer = world["a"], world["reviewer"]
    in_review(a)
    requirement = a.framework.requirements.get(code="1.1")
    finding = services.add_finding(assessment=a, by=reviewer, requirement=requirement, text="Penalties?")
    response = api(world["team"]["contributor"]).post(
        f"/api/v1/assessments/{a.pk}/findings/{finding.pk}/replies/", {"text": "Art.\x00 201"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["text"]
    assert not FindingReply.objects.exists()


def test_the_schema_documents_each_texts_limit() -> None:
    response = api(make_reviewer()).get("/api/v1/schema/")
    assert response.status_code == 200
    schemas = yaml.safe_load(response.content)["components"]["schemas"]
    assert schemas["FindingRequest"]["properties"]["text"]["maxLength"] == 10000
    assert schemas["FindingReplyRequest"]["properties"]["text"]["maxLength"] == 10000
    assert schemas["PatchedAnswerWriteRequest"]["properties"]["narrative"]["maxLength"] == 20000
    assert schemas["NationalMeasureRequest"]["properties"]["description"]["maxLength"] == 10000
    assert schemas["StepRequest"]["properties"]["comment"]["maxLength"] == 5000


@pytest.mark.django_db(transaction=True)
def test_an_answer_patch_refused_for_its_evidence_saves_nothing_of_itself(
    postgres: None, world: dict[str, Any]
) -> None:
    a, b_user = world["a"], world["team"]["contributor"]
    other = services.create_assessment(
        country=CountryFactory(code="XBB"), cycle=2026, framework=world["fw"], by=b_user
    )
    foreign = services.add_link_evidence(assessment=other, by=b_user, url="https://x.example", title="Theirs")
    url = f"/api/v1/assessments/{a.pk}/answers/1.1.IM1/"
    client = api(b_user)
    response = client.patch(
        url, {"narrative": "A valid narrative", "evidence": [foreign.pk]}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert "evidence" in response.json()
    answer = Answer.objects.get(assessment=a, item__code="1.1.IM1")
    assert (answer.narrative, answer.version) == ("", 1)
    assert answer.history.count() == 1
    assert client.get(url)["ETag"] == '"1"'
    # The client's next write, on the version it holds, goes through.
    ok = client.patch(url, {"narrative": "A valid narrative"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200


# --- pages -------------------------------------------------------------------------------------


def test_autosave_with_a_nul_byte_answers_a_message_the_page_does_not_retry(world: dict[str, Any]) -> None:
    a = world["a"]
    answer = a.answers.get(item__code="1.1.IM1")
    response = login(world["team"]["contributor"]).post(
        f"/assessments/{a.pk}/answers/{answer.pk}/",
        {"version": "1", "narrative": "Pasted\x00 text"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422  # "invalid" for autosave.js: shown, not retried
    assert "null character" in response.content.decode()
    answer.refresh_from_db()
    assert (answer.narrative, answer.version) == ("", 1)


def test_autosave_of_an_over_long_narrative_names_the_limit(world: dict[str, Any]) -> None:
    a = world["a"]
    answer = a.answers.get(item__code="1.1.IM1")
    response = login(world["team"]["contributor"]).post(
        f"/assessments/{a.pk}/answers/{answer.pk}/", {"version": "1", "narrative": "n" * 20001}
    )
    assert response.status_code == 422
    assert "20,000" in response.content.decode()


def test_a_data_source_over_500_characters_on_the_page_is_refused(world: dict[str, Any]) -> None:
    a = world["a"]
    response = login(world["team"]["contributor"]).post(
        f"/assessments/{a.pk}/data/1.1.OI1/",
        {"period": "2025", "value_count": "3", "source": "s" * 501},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "500" in response.content.decode()
    assert not OperationalData.objects.exists()


def test_a_submission_comment_with_a_nul_byte_shows_a_message_not_a_500(world: dict[str, Any]) -> None:
    a = world["a"]
    response = login(world["team"]["coordinator"]).post(
        f"/assessments/{a.pk}/steps/submit/", {"comment": "Ready\x00", "confirm_open": "on"}
    )
    assert response.status_code == 200
    assert "null character" in response.content.decode()
    a.refresh_from_db()
    assert a.state == Assessment.State.DRAFT


def test_a_finding_reply_over_its_limit_on_the_page_is_refused(world: dict[str, Any]) -> None:
    a, reviewer = world["a"], world["reviewer"]
    in_review(a)
    requirement = a.framework.requirements.get(code="1.1")
    finding = services.add_finding(assessment=a, by=reviewer, requirement=requirement, text="Penalties?")
    client = login(world["team"]["contributor"])
    response = client.post(
        f"/assessments/{a.pk}/findings/{finding.pk}/replies/", {"text": "r" * 10001}, follow=True
    )
    assert "10,000" in response.content.decode()
    assert not FindingReply.objects.exists()


def test_a_national_measure_description_over_its_limit_on_the_page_is_refused(world: dict[str, Any]) -> None:
    a = world["a"]
    response = login(world["team"]["contributor"]).post(
        f"/assessments/{a.pk}/requirements/1.1/measures/",
        {"title": "Hotline", "description": "d" * 10001, "status": "planned"},
        follow=True,
    )
    assert "10,000" in response.content.decode()
    assert not NationalMeasure.objects.exists()


def test_forms_show_each_limit_and_never_tell_the_browser_to_cut() -> None:
    for form in (NationalMeasureForm(), EvidenceLinkForm()):
        html = str(form)
        assert "maxlength" not in html
    assert "Up to 10,000 characters" in str(NationalMeasureForm()["description"].help_text)


def test_the_requirement_page_shows_the_limits_beside_the_fields(world: dict[str, Any]) -> None:
    a = world["a"]
    html = login(world["team"]["contributor"]).get(f"/assessments/{a.pk}/requirements/1.1/").content.decode()
    assert "Up to 20,000 characters" in html  # the narrative
    assert "Up to 500 characters" in html  # a data source
    assert "maxlength" not in html


# --- exports -----------------------------------------------------------------------------------


def test_a_stored_text_with_control_characters_still_exports(world: dict[str, Any]) -> None:
    a = world["a"]
    # As a row stored before the services cleaned texts would be.
    Answer.objects.filter(assessment=a, item__code="1.1.IM1").update(
        narrative="bell\x07 vt\x0b ff\x0c esc\x1b end"
    )
    response = login(world["team"]["observer"]).get(f"/assessments/{a.pk}/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    narratives = [row[5] for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "bell vt ff esc end" in narratives
