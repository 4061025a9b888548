"""The assessment API: same rules as the pages, ETag/If-Match on versioned rows, token auth."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from assessments import services
from assessments.models import Answer, Assessment
from framework.models import DisaggregationCategory, DisaggregationDimension, Item
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup() -> dict[str, Any]:
    fw = build_catalogue(requirements=2, per_column=2)
    a_country, b_country = CountryFactory(code="XAA"), CountryFactory(code="XBB")
    team = make_team(a_country, "a")
    other = make_team(b_country, "b")
    a = services.create_assessment(country=a_country, cycle=2026, framework=fw, by=team["coordinator"])
    b = services.create_assessment(country=b_country, cycle=2026, framework=fw, by=other["coordinator"])
    return {"fw": fw, "a": a, "b": b, "team": team, "other": other}


def api(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_token_authentication(setup: dict[str, Any]) -> None:
    user = setup["team"]["contributor"]
    user.set_password("a long enough password")
    user.save()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": "a long enough password"}
    )
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    ids = [a["id"] for a in client.get("/api/v1/assessments/").json()["results"]]
    assert ids == [setup["a"].pk]


def test_anonymous_is_refused_with_a_challenge(setup: dict[str, Any]) -> None:
    for url in ("/api/v1/assessments/", f"/api/v1/assessments/{setup['a'].pk}/answers/"):
        response = APIClient().get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"


def test_lists_show_only_the_users_countries(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["observer"])
    assert [a["id"] for a in client.get("/api/v1/assessments/").json()["results"]] == [setup["a"].pk]
    assert (
        make_reviewer() and api(make_reviewer()).get("/api/v1/assessments/").json()["results"] == []
    )  # drafts hidden
    Assessment.objects.filter(pk=setup["b"].pk).update(state="submitted")
    assert [a["id"] for a in api(make_reviewer()).get("/api/v1/assessments/").json()["results"]] == [
        setup["b"].pk
    ]


def test_another_countrys_assessment_is_404_byte_identical_to_a_missing_one(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["coordinator"])
    b = setup["b"].pk
    for theirs, missing in [
        (f"/api/v1/assessments/{b}/", "/api/v1/assessments/999999/"),
        (f"/api/v1/assessments/{b}/answers/", "/api/v1/assessments/999999/answers/"),
        (f"/api/v1/assessments/{b}/answers/1.1.IM1/", "/api/v1/assessments/999999/answers/1.1.IM1/"),
        (f"/api/v1/assessments/{b}/evidence/", "/api/v1/assessments/999999/evidence/"),
        (f"/api/v1/assessments/{b}/data/", "/api/v1/assessments/999999/data/"),
    ]:
        r1, r2 = client.get(theirs), client.get(missing)
        assert r1.status_code == r2.status_code == 404, theirs
        assert r1.content == r2.content, theirs


def test_answer_carries_an_etag_and_needs_if_match(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["contributor"])
    url = f"/api/v1/assessments/{setup['a'].pk}/answers/1.1.IM1/"
    response = client.get(url)
    assert response["ETag"] == '"1"'
    assert client.patch(url, {"narrative": "No precondition"}, format="json").status_code == 428
    ok = client.patch(url, {"status": "in_place", "narrative": "First"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200
    assert ok["ETag"] == '"2"'
    assert ok.json()["status"] == "in_place"
    stale = client.patch(url, {"narrative": "Second"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale.json()["narrative"] == "First"  # the current answer comes back
    assert stale["ETag"] == '"2"'
    assert Answer.objects.get(assessment=setup["a"], item__code="1.1.IM1").narrative == "First"


def test_invalid_answer_gets_a_clear_message_and_changes_nothing(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["contributor"])
    url = f"/api/v1/assessments/{setup['a'].pk}/answers/1.1.IM1/"
    response = client.patch(url, {"status": "not_applicable"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert "justification" in response.json()
    assert client.get(url)["ETag"] == '"1"'


def test_observer_and_reviewer_cannot_write(setup: dict[str, Any]) -> None:
    url = f"/api/v1/assessments/{setup['a'].pk}/answers/1.1.IM1/"
    assert (
        api(setup["team"]["observer"])
        .patch(url, {"narrative": "x"}, format="json", HTTP_IF_MATCH='"1"')
        .status_code
        == 403
    )
    Assessment.objects.filter(pk=setup["a"].pk).update(state="submitted")
    reviewer = api(make_reviewer())
    assert reviewer.get(url).status_code == 200
    assert reviewer.patch(url, {"narrative": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code == 403


def test_read_only_state_is_a_conflict(setup: dict[str, Any]) -> None:
    Assessment.objects.filter(pk=setup["a"].pk).update(state="accepted")
    url = f"/api/v1/assessments/{setup['a'].pk}/answers/1.1.IM1/"
    response = api(setup["team"]["coordinator"]).patch(
        url, {"narrative": "x"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 409
    assert "can no longer be changed" in response.json()["detail"]


def test_coordinator_creates_an_assessment_others_cannot(setup: dict[str, Any]) -> None:
    body = {"country": "XAA", "cycle": 2028, "framework": setup["fw"].code}
    assert (
        api(setup["team"]["contributor"]).post("/api/v1/assessments/", body, format="json").status_code == 403
    )
    response = api(setup["team"]["coordinator"]).post(
        "/api/v1/assessments/", {**body, "prefill_from": setup["a"].pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["item_count"] == Answer.objects.filter(assessment_id=response.json()["id"]).count()


def test_operational_data_and_breakdowns(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["contributor"])
    base = f"/api/v1/assessments/{setup['a'].pk}/data/"
    created = client.post(
        base,
        {"indicator": "1.1.OI1", "period": 2025, "value_count": 100, "method": "recorded"},
        format="json",
    )
    assert created.status_code == 201
    assert created["ETag"] == '"1"'
    row = created.json()["id"]
    assert (
        client.post(
            base, {"indicator": "1.1.OI1", "period": 2025, "value_count": 5}, format="json"
        ).status_code
        == 400
    )
    dim = DisaggregationDimension.objects.create(code="sex", name="Sex", position=1)
    for n, code in enumerate(["female", "male"]):
        DisaggregationCategory.objects.create(dimension=dim, code=code, name=code, position=n)
    over = client.put(
        f"{base}{row}/breakdowns/", {"sex": {"female": 70, "male": 40}}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert over.status_code == 400
    assert "more than the total of 100" in str(over.json())
    ok = client.put(
        f"{base}{row}/breakdowns/", {"sex": {"female": 60, "male": 40}}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert ok.status_code == 200
    assert sorted(b["value"] for b in ok.json()["breakdowns"]) == [40, 60]
    assert (
        client.patch(f"{base}{row}/", {"value_count": 120}, format="json", HTTP_IF_MATCH='"1"').status_code
        == 412
    )
    assert (
        client.patch(
            f"{base}{row}/", {"value_count": 120}, format="json", HTTP_IF_MATCH=ok["ETag"]
        ).status_code
        == 200
    )
    other_indicator = Item.objects.create(
        framework=build_catalogue(),
        pillar=setup["fw"].pillars.first(),
        requirement=setup["fw"].requirements.first(),
        kind="operational_indicator",
        kind_order=4,
        position=99,
        code="9.9.OI9",
        text="x",
        answer_type="count",
    )
    assert (
        client.post(base, {"indicator": other_indicator.code, "period": 2025}, format="json").status_code
        == 400
    )


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


def test_history_of_an_answer(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["contributor"])
    url = f"/api/v1/assessments/{setup['a'].pk}/answers/1.1.IM1/"
    client.patch(url, {"narrative": "One"}, format="json", HTTP_IF_MATCH='"1"')
    client.patch(url, {"narrative": "Two"}, format="json", HTTP_IF_MATCH='"2"')
    history = client.get(url + "history/").json()
    assert [h["narrative"] for h in history] == ["Two", "One", ""]
    assert history[0]["user"] == setup["team"]["contributor"].email


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


def test_unknown_and_read_only_fields_of_an_answer_write_are_refused_by_name(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["contributor"])
    url = f"/api/v1/assessments/{setup['a'].pk}/answers/1.1.IM1/"
    body = {
        "narrative": "Meant to be saved with the rest",
        "version": 7,
        "updated_by": setup["team"]["coordinator"].pk,
        "assessment": setup["b"].pk,
        "item": "1.1.IM2",
        "narative": "misspelt",
    }
    response = client.patch(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"version", "updated_by", "assessment", "item", "narative"}
    assert "read-only" in errors["version"][0] and "read-only" in errors["item"][0]
    assert "not accepted" in errors["narative"][0]
    answer = Answer.objects.get(assessment=setup["a"], item__code="1.1.IM1")
    assert (answer.version, answer.narrative) == (1, "")


def test_a_misspelt_field_of_a_legal_reference_is_refused(setup: dict[str, Any]) -> None:
    url = f"/api/v1/assessments/{setup['a'].pk}/answers/1.1.IM1/"
    body = {"legal_references": [{"instrument": "Penal Code", "artcle": "201"}]}
    response = api(setup["team"]["contributor"]).patch(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert "artcle" in str(response.json()["legal_references"])


def test_unknown_fields_of_operational_data_are_refused_and_its_identity_is_read_only(
    setup: dict[str, Any],
) -> None:
    client = api(setup["team"]["contributor"])
    base = f"/api/v1/assessments/{setup['a'].pk}/data/"
    typo = client.post(base, {"indicator": "1.1.OI1", "period": 2025, "value_cuont": 100}, format="json")
    assert typo.status_code == 400
    assert set(typo.json()) == {"value_cuont"}
    assert not client.get(base).json()["results"]
    row = client.post(base, {"indicator": "1.1.OI1", "period": 2025, "value_count": 100}, format="json")
    url = f"{base}{row.json()['id']}/"
    for body, field in [
        ({"value_count": 5, "period": 2024}, "period"),
        ({"value_count": 5, "version": 9}, "version"),
        ({"value_count": 5, "assessment": 1}, "assessment"),
    ]:
        response = client.patch(url, body, format="json", HTTP_IF_MATCH='"1"')
        assert response.status_code == 400, body
        assert set(response.json()) == {field}
    assert client.get(url).json()["value_count"] == 100


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


def test_a_form_encoded_write_may_carry_the_csrf_token(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["coordinator"])
    body = {"url": "https://laws.example/pc", "title": "Online code", "csrfmiddlewaretoken": "x"}
    response = client.post(f"/api/v1/assessments/{setup['a'].pk}/evidence/", body)
    assert response.status_code == 201, response.json()


def test_starting_an_assessment_refuses_a_state_in_the_body(setup: dict[str, Any]) -> None:
    body = {"country": "XAA", "cycle": 2028, "framework": setup["fw"].code, "state": "accepted"}
    response = api(setup["team"]["coordinator"]).post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 400
    assert "read-only" in response.json()["state"][0]
    assert not Assessment.objects.filter(cycle=2028).exists()


@pytest.mark.parametrize(
    "query",
    [
        "limit=1019918976921310068736",
        "limit=abc",
        "limit=-1",
        "limit=0",
        "limit=501",
        "offset=-5",
        "offset=%C2%B2",
        "offset=1019918976921310068736",
        "requirement=%00",
        "requirement=1.1%00",
        "status=nonsense",
        "assigned_to_me=perhaps",
    ],
)
def test_a_bad_list_parameter_is_a_400_naming_it(setup: dict[str, Any], query: str) -> None:
    url = f"/api/v1/assessments/{setup['a'].pk}/answers/?{query}"
    response = api(setup["team"]["observer"]).get(url)
    assert response.status_code == 400, response.content[:300]
    assert set(response.json()) == {query.split("=")[0]}


def test_pages_go_up_to_the_maximum_size_and_a_far_offset_is_an_empty_page(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["observer"])
    url = f"/api/v1/assessments/{setup['a'].pk}/answers/"
    total = client.get(url).json()["count"]
    assert len(client.get(f"{url}?limit=500").json()["results"]) == total
    first = client.get(f"{url}?limit=2").json()
    assert len(first["results"]) == 2 and "offset=2" in first["next"]
    assert client.get(f"{url}?limit=2&offset=999999999999999999").json()["results"] == []
    assert len(client.get(f"{url}?limit=&offset=").json()["results"]) == total  # empty: the defaults


def test_answer_filters_still_narrow_the_list(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["contributor"])
    base = f"/api/v1/assessments/{setup['a'].pk}/answers/"
    client.patch(f"{base}1.2.IM1/", {"status": "in_place"}, format="json", HTTP_IF_MATCH='"1"')
    by_requirement = client.get(f"{base}?requirement=1.2&status=").json()["results"]
    assert by_requirement and {a["requirement"] for a in by_requirement} == {"1.2"}
    assert [a["item"] for a in client.get(f"{base}?status=in_place").json()["results"]] == ["1.2.IM1"]
    assert client.get(f"{base}?assigned_to_me=true").json()["results"] == []


def test_operational_data_filter_is_checked(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["observer"])
    base = f"/api/v1/assessments/{setup['a'].pk}/data/"
    assert client.get(f"{base}?indicator=1.1.OI1").status_code == 200
    response = client.get(f"{base}?indicator=%00")
    assert response.status_code == 400 and "indicator" in response.json()


def test_openapi_schema_is_valid_without_warnings() -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO(), stderr=io.StringIO())
