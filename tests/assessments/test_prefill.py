"""Starting an assessment from an earlier one: only the country's own, and no existence oracle.

Another country's assessment and an id that does not exist get the very same answer, from the
API and from the page, so nobody learns which ids exist.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from assessments import services
from assessments.models import Assessment, Membership
from tests.factories import CountryFactory, build_catalogue, make_team

pytestmark = pytest.mark.django_db

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
