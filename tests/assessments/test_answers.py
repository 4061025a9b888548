"""Answers: versions and history, justifications, legal references, assignees, read-only states,
ETag/If-Match and strict fields in the API, no lost update under concurrency.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from assessments import services
from assessments.models import Answer, Assessment
from tests.factories import UserFactory, answer_for, api, make_assessment, make_reviewer, make_team

pytestmark = pytest.mark.django_db


# --- saving answers ------------------------------------------------------------------------------


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


# --- through the API -----------------------------------------------------------------------------


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


def test_history_of_an_answer(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["contributor"])
    url = f"/api/v1/assessments/{setup['a'].pk}/answers/1.1.IM1/"
    client.patch(url, {"narrative": "One"}, format="json", HTTP_IF_MATCH='"1"')
    client.patch(url, {"narrative": "Two"}, format="json", HTTP_IF_MATCH='"2"')
    history = client.get(url + "history/").json()
    assert [h["narrative"] for h in history] == ["Two", "One", ""]
    assert history[0]["user"] == setup["team"]["contributor"].email


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


def test_five_autosaves_in_a_minute_read_as_one_change_and_all_are_kept(setup: dict[str, Any]) -> None:
    """The history page groups one person's saves minutes apart; the stored history (and the API)
    keeps each; another person's save, or a pause, starts a new change."""
    from django.test import Client

    a, contributor = setup["a"], setup["team"]["contributor"]
    answer = a.answers.get(item__code="1.1.IM1")
    for n, text in enumerate(["D", "Dr", "Dra", "Draf", "Draft law"], start=1):
        services.save_answer(answer_id=answer.pk, by=contributor, base_version=n, changes={"narrative": text})
    services.save_answer(
        answer_id=answer.pk, by=setup["team"]["coordinator"], base_version=6, changes={"status": "planned"}
    )
    assert answer.history.count() == 7  # the creation, five saves, the coordinator's
    client = Client()
    client.force_login(contributor)
    html = client.get(f"/assessments/{a.pk}/answers/{answer.pk}/history/").content.decode()
    assert html.count('<table class="data-table diff">') == 2  # the five as one, the coordinator's
    assert "5 saves in a row" in html
    assert "Draft law" in html and "Dra<" not in html  # the change from nothing to its last text
    assert "Planned" in html and "planned<" not in html  # a status's label, not its code
    stored = api(contributor).get(f"/api/v1/assessments/{a.pk}/answers/1.1.IM1/history/").json()
    assert len(stored) == 7


def test_each_answer_offers_what_the_statuses_of_its_own_scale_mean(setup: dict[str, Any]) -> None:
    from django.test import Client
    from django.utils.html import escape

    from assessments.models.statuses import INDICATOR_DEFINITIONS, MEASURE_DEFINITIONS, AnswerStatus

    client = Client()
    client.force_login(setup["team"]["contributor"])
    html = client.get(f"/assessments/{setup['a'].pk}/requirements/1.1/").content.decode()
    cards = {
        code: html.split(f'id="{code}"', 1)[1].split("</article>", 1)[0] for code in ("1.1.FI1", "1.1.IM1")
    }
    standard, measure = cards["1.1.FI1"], cards["1.1.IM1"]
    assert escape(str(INDICATOR_DEFINITIONS[AnswerStatus.PARTIALLY_MET])) in standard
    assert escape(str(MEASURE_DEFINITIONS[AnswerStatus.PLANNED])) not in standard
    assert escape(str(MEASURE_DEFINITIONS[AnswerStatus.PARTIALLY_IN_PLACE])) in measure
    assert escape(str(INDICATOR_DEFINITIONS[AnswerStatus.MET])) not in measure


def test_the_requirement_page_links_the_previous_and_next_requirement_and_numbers_nothing_twice(
    setup: dict[str, Any],
) -> None:
    from django.test import Client

    client = Client()
    client.force_login(setup["team"]["contributor"])
    base = f"/assessments/{setup['a'].pk}/requirements/"
    first = client.get(base + "1.0/").content.decode()  # the pillar's overview row comes first
    assert f'rel="next" class="next" href="{base}1.1/"' in first and 'rel="prev"' not in first
    middle = client.get(base + "1.1/").content.decode()
    assert f'rel="prev" href="{base}1.0/"' in middle and f'href="{base}1.2/"' in middle
    second = client.get(base + "1.2/").content.decode()
    assert f'rel="prev" href="{base}1.1/"' in second and 'rel="next"' not in second
    navigator = second.split('class="navigator"', 1)[1].split("</nav>", 1)[0]
    assert "<ol" not in navigator and 'aria-current="page"' in navigator
