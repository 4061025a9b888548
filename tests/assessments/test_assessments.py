"""Starting an assessment: one per country, cycle and framework, prefilled from an earlier one, and
who sees which through the API.

A prefill comes only from the country's own assessment: another country's assessment and an id
that does not exist get the very same answer, from the API and from the page, so nobody learns
which ids exist.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from assessments import services
from assessments.models import Answer, Assessment, Membership
from framework.models import Item
from tests.factories import (
    CountryFactory,
    answer_for,
    api,
    build_catalogue,
    make_assessment,
    make_reviewer,
    make_team,
)

pytestmark = pytest.mark.django_db


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


def test_carried_over_answers_are_confirmed_one_by_one_or_all_at_once_on_the_page() -> None:
    """Each carried-over answer has a Confirm control, and the requirement a 'confirm all
    unchanged'; a confirmation is a version in the history; observers may not confirm."""
    from django.test import Client

    from tests.factories import make_team

    fw = build_catalogue(per_column=2)
    country = CountryFactory()
    team = make_team(country, "cc")
    old = make_assessment(framework=fw, cycle=2024, country=country, by=team["coordinator"])
    for code, status in (("1.1.FI1", "met"), ("1.1.FI2", "not_met"), ("1.1.IM1", "in_place")):
        services.save_answer(
            answer_id=answer_for(old, code).pk,
            by=team["coordinator"],
            base_version=1,
            changes={"status": status},
        )
    new = services.create_assessment(
        country=country, cycle=2026, framework=fw, by=team["coordinator"], prefill_from=old
    )
    page = f"/assessments/{new.pk}/requirements/1.1/"
    url = page + "confirm/"
    client = Client()
    client.force_login(team["contributor"])
    html = client.get(page).content.decode()
    assert html.count("Confirm as it stands") == 3 and "3 answers are carried over" in html
    one = answer_for(new, "1.1.FI1")
    response = client.post(url, {"answer": one.pk})
    assert response.status_code == 302 and response["Location"] == page + "#1.1.FI1"
    one.refresh_from_db()
    assert (one.carried_over, one.version, one.status) == (False, 2, "met")
    assert one.history.first().history_change_reason == "confirmed carried-over answer"
    observer = Client()
    observer.force_login(team["observer"])
    assert observer.post(url).status_code == 403
    assert new.answers.filter(carried_over=True).count() == 2
    client.post(url)
    assert not new.answers.filter(carried_over=True).exists()
    html = client.get(page).content.decode()
    assert "Confirm as it stands" not in html and "2 carried-over answers confirmed." in html


def test_prefill_only_from_the_same_country() -> None:
    fw = build_catalogue()
    other = make_assessment(framework=fw, cycle=2024)
    with pytest.raises(ValidationError):
        services.create_assessment(
            country=CountryFactory(), cycle=2026, framework=fw, by=other.created_by, prefill_from=other
        )


# --- through the API -----------------------------------------------------------------------------


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


def test_starting_an_assessment_refuses_a_state_in_the_body(setup: dict[str, Any]) -> None:
    body = {"country": "XAA", "cycle": 2028, "framework": setup["fw"].code, "state": "accepted"}
    response = api(setup["team"]["coordinator"]).post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 400
    assert "read-only" in response.json()["state"][0]
    assert not Assessment.objects.filter(cycle=2028).exists()


# --- prefill without an existence oracle ---------------------------------------------------------


MESSAGE = "Choose one of this country's assessments to start from."


@pytest.fixture
def world() -> dict[str, Any]:
    fw = build_catalogue()
    ours, theirs, also_ours = (
        CountryFactory(code="XPA"),
        CountryFactory(code="XPB"),
        CountryFactory(code="XPC"),
    )
    team, other = make_team(ours, "pa"), make_team(theirs, "pb")
    coordinator = team["coordinator"]
    Membership.objects.create(user=coordinator, country=also_ours, role=Membership.Role.COORDINATOR)
    own = services.create_assessment(country=ours, cycle=2024, framework=fw, by=coordinator)
    foreign = services.create_assessment(country=theirs, cycle=2024, framework=fw, by=other["coordinator"])
    sibling = services.create_assessment(country=also_ours, cycle=2024, framework=fw, by=coordinator)
    missing = (Assessment.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000
    return {
        "fw": fw,
        "coordinator": coordinator,
        "own": own,
        "foreign": foreign,
        "sibling": sibling,
        "missing": missing,
    }


def api_create(world: dict[str, Any], prefill_from: int, **extra: Any) -> Any:
    client = APIClient()
    client.force_authenticate(world["coordinator"])
    body = {"country": "XPA", "cycle": 2026, "framework": world["fw"].code, "prefill_from": prefill_from}
    return client.post("/api/v1/assessments/", {**body, **extra}, format="json")


def test_api_answers_another_countrys_assessment_exactly_like_a_missing_one(world: dict[str, Any]) -> None:
    foreign = api_create(world, world["foreign"].pk)
    missing = api_create(world, world["missing"])
    assert foreign.status_code == missing.status_code == 400
    assert foreign.content == missing.content
    assert foreign.json() == {"prefill_from": [MESSAGE]}
    assert not Assessment.objects.filter(cycle=2026).exists()


def test_api_answers_alike_even_when_another_field_is_wrong_too(world: dict[str, Any]) -> None:
    foreign = api_create(world, world["foreign"].pk, framework="no-such-edition")
    missing = api_create(world, world["missing"], framework="no-such-edition")
    assert foreign.status_code == missing.status_code == 400
    assert foreign.content == missing.content
    assert set(foreign.json()) == {"framework", "prefill_from"}


def test_api_refuses_a_source_of_another_of_the_users_countries_with_the_same_message(
    world: dict[str, Any],
) -> None:
    response = api_create(world, world["sibling"].pk)
    assert response.status_code == 400
    assert response.json() == {"prefill_from": [MESSAGE]}


def test_api_prefills_from_the_countrys_own_assessment(world: dict[str, Any]) -> None:
    response = api_create(world, world["own"].pk)
    assert response.status_code == 201
    assert response.json()["prefill_from"] == world["own"].pk


def page_create(world: dict[str, Any], prefill_from: int) -> Any:
    client = Client()
    client.force_login(world["coordinator"])
    return client.post(
        reverse("assessments:create"),
        {
            "country": world["own"].country_id,
            "cycle": 2026,
            "framework": world["fw"].pk,
            "prefill_from": prefill_from,
        },
    )


def without_per_request_tokens(html: bytes) -> str:
    """The page less what differs on every request anyway: the CSRF token and the script nonce."""
    html_text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.decode())
    return re.sub(r'nonce="[^"]*"', "", html_text)


def test_page_answers_another_countrys_assessment_exactly_like_a_missing_one(world: dict[str, Any]) -> None:
    foreign = page_create(world, world["foreign"].pk)
    missing = page_create(world, world["missing"])
    assert foreign.status_code == missing.status_code == 200
    assert without_per_request_tokens(foreign.content) == without_per_request_tokens(missing.content)
    assert MESSAGE.replace("'", "&#x27;") in foreign.content.decode()
    assert not Assessment.objects.filter(cycle=2026).exists()


def test_page_refuses_a_source_of_another_of_the_users_countries_with_the_same_message(
    world: dict[str, Any],
) -> None:
    response = page_create(world, world["sibling"].pk)
    assert response.status_code == 200
    assert MESSAGE.replace("'", "&#x27;") in response.content.decode()
    assert not Assessment.objects.filter(cycle=2026).exists()
