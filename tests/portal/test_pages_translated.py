"""Every page of the access table, rendered in each of the five other languages, shows none of
the portal's own English strings whose translation differs from the English: in the visible text
and in the attributes people hear or read (titles, labels, placeholders, button values).

The Framework's catalogue text is English by design and is marked ``lang="en"``; those parts, and
what users typed, are left out of the comparison."""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5
from django.test import Client
from django.urls import reverse

from portal.models import Profile
from tests.assessments.test_access import ROUTES, World, world  # noqa: F401 (the fixture)
from tests.factories import UserFactory, with_second_factor
from tests.portal.test_translations import LANGUAGES, catalogue, forms

pytestmark = pytest.mark.django_db

DJANGO_LANGUAGE = {"zh_Hans": "zh-hans"}
SKIPPED = {"script", "style", "noscript", "template"}
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
PLACEHOLDER = re.compile(r"%(?:\([a-z_0-9]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifr]|<[^>]+>|&[a-z]+;")
# What the access table's world typed or named: user content, not the portal's own words.
USER_CONTENT = ("Law", "Testland")
# The test catalogue's names, which a page's <title> (a plain string, no lang attribute inside it)
# may hold; everywhere else catalogue text must be marked lang="en".
CATALOGUE_IN_TITLE = re.compile(
    r"Test Framework for Action|(Requirement|Objective) [\d.]+ on trafficking|Pillar \d"
)


def pages() -> list[tuple[str, str]]:
    """Each GET route of the access table, seen by the first role that may open it."""
    chosen = []
    for name, routes in ROUTES.items():
        for route in routes:
            if route.method != "get":
                continue
            role = next((r for r in ("coordinator", "reviewer") if route.expected[r] == 200), None)
            if role is not None:
                chosen.append((name, role))
                break
    return chosen


# UNODC's administrators' own pages, outside the country roles of the access table.
ADMINISTRATOR_PAGES = [("assessments:countries", "administrator"), ("audit:events", "administrator")]
PAGES = pages() + ADMINISTRATOR_PAGES


@cache
def untranslated_english(language: str) -> tuple[re.Pattern[str], ...]:
    """A pattern per literal piece of each msgid that reads differently in ``language``."""
    patterns = []
    for message in catalogue(language, "django"):
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        translations = forms(message)
        for source in sources:
            if source in translations:
                continue  # the same in both (a code, a name, "OK")
            for piece in PLACEHOLDER.split(source):
                piece = " ".join(piece.split()).strip(" .,:;()—-")
                # A lone short word could be anyone's (a title typed, part of an address); a
                # phrase, or a word of some length, is the portal speaking, unless the
                # translation keeps it too (an example of what to search the English text for).
                if (len(piece) >= 8 or " " in piece) and not any(piece in t for t in translations):
                    patterns.append(re.compile(rf"(?<![\w-]){re.escape(piece)}(?![\w-])"))
    return tuple(patterns)


def readable_text(node: Element, out: list[str]) -> None:
    """The text a reader sees or hears, leaving out scripts and parts marked as English (the
    page's own language, on ``<html>``, is what is being checked)."""
    tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
    if tag in SKIPPED or (tag != "html" and node.get("lang", "").startswith("en")):
        if node.tail:
            out.append(node.tail)
        return
    out.extend(node.get(attribute, "") for attribute in READ_ATTRIBUTES)
    if tag == "input" and node.get("type") in ("submit", "button"):
        out.append(node.get("value", ""))
    if tag == "title" and node.tag.startswith("{http://www.w3.org/1999/xhtml}"):
        out.append(CATALOGUE_IN_TITLE.sub(" ", node.text or ""))
    elif node.text:
        out.append(node.text)
    for child in node:
        readable_text(child, out)
    if node.tail:
        out.append(node.tail)


def visible_text(html: str) -> str:
    out: list[str] = []
    readable_text(tinyhtml5.parse(html), out)
    text = " ".join(" ".join(out).split())
    for content in USER_CONTENT:
        text = re.sub(rf"\b{content}\b( \d+)?", " ", text)
    return text


def test_the_walk_covers_the_portal_pages() -> None:
    names = {name for name, _role in PAGES}
    assert {"assessments:dashboard", "assessments:requirement", "reports:gap", "reports:secretariat"} <= names
    assert len(PAGES) >= 25


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_speaks_the_chosen_language(world: World, language: str) -> None:  # noqa: F811
    users = world.users | {
        "administrator": with_second_factor(
            UserFactory(username="admin@unodc.example.org", is_staff=True, is_superuser=True)
        )
    }
    clients: dict[str, Client] = {}
    findings: dict[str, list[str]] = {}
    for name, role in PAGES:
        if role not in clients:
            # The person's own choice, kept in their profile, which sign-in makes the session's.
            Profile.objects.update_or_create(
                user=users[role], defaults={"language": DJANGO_LANGUAGE.get(language, language)}
            )
            clients[role] = Client()
            clients[role].force_login(users[role])
        route = next(r for r in ROUTES[name] if r.method == "get")
        response = clients[role].get(reverse(name, kwargs=route.kwargs(world)), follow=True)
        assert response.status_code == 200, name
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        if html.lstrip().lower().startswith("<!doctype"):  # a whole page, not an htmx fragment
            assert f'lang="{DJANGO_LANGUAGE.get(language, language)}"' in html[:400], name
        text = visible_text(html)
        found = sorted(
            {
                f"{m.group(0)!r} in …{text[max(0, m.start() - 40) : m.end() + 40]}…"
                for p in untranslated_english(language)
                if (m := p.search(text))
            }
        )
        if found:
            findings[name] = found
    report = "\n".join(f"{name}: {finding}" for name, found in findings.items() for finding in found)
    assert not findings, f"English left on {language} pages:\n{report}"


def test_the_check_finds_english_where_it_is_left(world: World) -> None:  # noqa: F811
    """The comparison is not blind: an English page checked as French is full of findings."""
    client = Client()
    client.force_login(world.users["coordinator"])
    html = client.get(reverse("assessments:dashboard", kwargs={"pk": world.a.pk})).content.decode()
    text = visible_text(html)
    found: Any = {m.group(0) for p in untranslated_english("fr") if (m := p.search(text))}
    assert len(found) >= 10


ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/password/reset/", "/no-such-page/"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_before_signing_in_speak_the_chosen_language(client: Client, language: str) -> None:
    """Signing in, resetting a password and a page not found, in the language the visitor chose."""
    client.cookies["django_language"] = DJANGO_LANGUAGE.get(language, language)
    findings = {}
    for path in ANONYMOUS_PAGES:
        html = client.get(path).content.decode()
        assert f'lang="{DJANGO_LANGUAGE.get(language, language)}"' in html[:400], path
        text = visible_text(html)
        found = sorted({m.group(0) for p in untranslated_english(language) if (m := p.search(text))})
        if found:
            findings[path] = found
    assert not findings, f"English left on {language} pages: {findings}"
