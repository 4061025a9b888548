"""Country names in each language from CLDR, sorted in each language's order."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from assessments.models import Country, by_name
from tests.factories import UserFactory, with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def states() -> None:
    call_command("load_countries", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Austria"),
        ("fr", "Autriche"),
        ("es", "Austria"),
        ("ru", "Австрия"),
        ("ar", "النمسا"),
        ("zh-hans", "奥地利"),
    ],
)
def test_a_states_name_is_in_the_current_language(states: None, language: str, expected: str) -> None:
    with translation.override(language):
        assert Country.objects.get(code="AUT").display_name == expected


def test_a_fictitious_demo_country_keeps_its_name(states: None) -> None:
    demo = Country.objects.filter(is_demo=True).first()
    assert demo is not None
    with translation.override("fr"):
        assert demo.display_name == demo.name


def test_french_order_puts_accented_names_with_their_letter(states: None) -> None:
    with translation.override("fr"):
        names = [c.display_name for c in by_name(Country.objects.member_states())]
    assert names.index("Djibouti") < names.index("Égypte") < names.index("Érythrée") < names.index("Espagne")
    assert names.index("Équateur") < names.index("Fidji")  # not after "Zimbabwe", as byte order would put it


def test_the_countries_page_lists_and_finds_states_by_their_name_in_the_page_language(states: None) -> None:
    admin: Any = with_second_factor(
        UserFactory(username="names@unodc.example.org", is_staff=True, is_superuser=True)
    )
    client = Client()
    client.force_login(admin)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = client.get("/assessments/countries/").content.decode()
    rows = re.findall(r'id="country-([A-Z]{3})"', page)
    assert rows.index("DJI") < rows.index("EGY") < rows.index("ESP")
    found = client.get("/assessments/countries/", {"name": "Allemagne"}).content.decode()
    assert re.findall(r'id="country-([A-Z]{3})"', found) == ["DEU"]
