"""Choosing the language: one action on any page, without JavaScript; kept in a signed-in
person's profile and theirs again at their next sign-in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from portal.models import Profile
from tests.factories import CountryFactory, make_team

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"  # the factories' password


@pytest.fixture
def contributor() -> Any:
    return make_team(CountryFactory(code="XLG"), "lg")["contributor"]


def html_lang(response: Any) -> str:
    found = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)"', response.content.decode())
    assert found, response.content[:300]
    return f"{found.group(1)} {found.group(2)}"


def choose(client: Client, language: str, next_url: str = "/framework/") -> Any:
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_every_page_offers_the_six_languages_as_one_click_buttons() -> None:
    page = Client().get("/accounts/login/").content.decode()
    buttons = re.findall(r'<button type="submit" name="language" value="([^"]+)"', page)
    assert buttons == ["ar", "zh-hans", "en", "fr", "ru", "es"]
    assert "language-select" not in page  # no select that needs a second "Change" action


def test_a_choice_applies_at_once_and_arabic_is_right_to_left() -> None:
    client = Client()
    response = choose(client, "ar")
    assert response.status_code == 302 and response["Location"] == "/framework/"
    assert html_lang(client.get("/accounts/login/")) == "ar rtl"
    choose(client, "zh-hans")
    assert html_lang(client.get("/accounts/login/")) == "zh-hans ltr"


def test_a_signed_in_persons_choice_is_kept_and_theirs_at_the_next_sign_in(contributor: Any) -> None:
    office = Client()
    office.post("/accounts/login/", {"login": contributor.email, "password": PASSWORD})
    choose(office, "ru")
    assert Profile.objects.get(user=contributor).language == "ru"
    home = Client()  # another computer, whose browser asks for English
    home.post(
        "/accounts/login/", {"login": contributor.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert html_lang(home.get("/assessments/", HTTP_ACCEPT_LANGUAGE="en")) == "ru ltr"


def test_someone_who_never_chose_keeps_the_language_they_signed_in_with(contributor: Any) -> None:
    Profile.objects.filter(user=contributor).update(language="")
    client = Client()
    choose(client, "es")
    client.post("/accounts/login/", {"login": contributor.email, "password": PASSWORD})
    assert Profile.objects.get(user=contributor).language == "es"
    assert html_lang(client.get("/assessments/")) == "es ltr"


def test_the_profile_page_sets_the_language_too(contributor: Any) -> None:
    client = Client()
    client.post("/accounts/login/", {"login": contributor.email, "password": PASSWORD})
    fields = {"action": "profile", "language": "fr", "time_zone": "Europe/Paris", "full_name": "Lu"}
    assert client.post("/account/", fields).status_code == 302
    assert html_lang(client.get("/assessments/")) == "fr ltr"


def test_an_unknown_language_changes_nothing(contributor: Any) -> None:
    client = Client()
    client.post("/accounts/login/", {"login": contributor.email, "password": PASSWORD})
    before = Profile.objects.get(user=contributor).language
    choose(client, "xx")
    assert Profile.objects.get(user=contributor).language == before


def test_the_javascript_catalogue_is_served() -> None:
    response = Client().get("/jsi18n/")
    assert response.status_code == 200 and "gettext" in response.content.decode()


def test_a_language_chosen_just_before_signing_in_becomes_the_profiles(contributor: Any) -> None:
    Profile.objects.filter(user=contributor).update(language="ru")
    client = Client()
    choose(client, "zh-hans")
    client.post("/accounts/login/", {"login": contributor.email, "password": PASSWORD})
    assert Profile.objects.get(user=contributor).language == "zh-hans"
    assert html_lang(client.get("/assessments/")) == "zh-hans ltr"


def test_times_are_shown_in_the_persons_time_zone(contributor: Any) -> None:
    Profile.objects.filter(user=contributor).update(time_zone="Asia/Tokyo")
    client = Client()
    client.post("/accounts/login/", {"login": contributor.email, "password": PASSWORD})
    client.post("/account/", {"action": "token", "name": "Sync", "days": 7})
    page = client.get("/account/").content.decode()
    assert re.search(r"<td>[^<]*JST</td>", page), "the token's times are not in Tokyo time"


def test_typed_text_keeps_its_own_direction_where_a_renderer_knows_no_auto() -> None:
    from portal.templatetags.bidi import isolate, text_dir

    assert text_dir("2027: the national referral mechanism") == "ltr"
    assert text_dir("  ١٢ آلية الإحالة الوطنية") == "rtl"
    assert text_dir("— 12 —") == "ltr"
    assert isolate("3 ديسمبر 2026") == "\u20683 ديسمبر 2026\u2069"
    assert isolate("") == ""
