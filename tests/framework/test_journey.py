"""A visitor's journey through the real catalogue in headless Chromium, driven by Playwright."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots"))


@pytest.fixture
def server(live_url: str) -> str:
    call_command("load_framework", stdout=io.StringIO())
    return live_url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.wait_for_load_state("networkidle")  # no request left in flight against the live server
    context.close()
    assert not errors, f"the browser reported errors: {errors}"


def test_search_a_phrase_open_the_requirement_and_follow_a_resource(server: str, page: Page) -> None:
    base = server

    page.goto(f"{base}/framework/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("International Framework for Action")
    expect(page.locator(".pillar-card")).to_have_count(5)

    # Search from the overview page; htmx then refines the results as the visitor types.
    page.get_by_label("Search the Framework").fill('"consent of the victim"')
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".result-count")).to_contain_text('for “"consent of the victim"”')
    page.get_by_label("Words or a phrase in quotes").fill('"consent of the victim is irrelevant"')
    expect(page.locator(".result-count")).to_contain_text("is irrelevant")
    assert "is+irrelevant" in page.url or "is%20irrelevant" in page.url  # htmx pushed the query to the URL
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)

    # Open the requirement that holds the hit: Victim consent (1.2), its framework indicator.
    page.locator(".results a", has_text="1.2.FI1").first.click()
    expect(page).to_have_url(f"{base}/framework/unodc-2009/requirements/1.2/#1.2.FI1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Victim consent")
    expect(page.locator(".articles")).to_contain_text("article 3.b, Protocol")
    target = page.locator("[id='1.2.FI1']")
    expect(target).to_contain_text("the consent of the victim is irrelevant")
    expect(target).to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOTS / "requirement.png"), full_page=True)

    # Follow its resource to the annex entry, which carries the document's address.
    page.locator("[id='1.2.R1']").get_by_role("link", name="Annex entry").click()
    expect(page).to_have_url(f"{base}/framework/unodc-2009/resources/#A50")
    entry = page.locator("[id='A50']")
    expect(entry).to_contain_text("Toolkit to Combat Trafficking in Persons")
    expect(entry.get_by_role("link").first).to_have_attribute(
        "href", "http://www.unodc.org/documents/human-trafficking/HT_Toolkit08_English.pdf"
    )


def test_requirement_page_reads_on_a_phone(server: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{server}/framework/unodc-2009/requirements/1.4/")
    # On a narrow screen each cell carries its own column heading and nothing scrolls sideways.
    expect(page.get_by_role("heading", name="Implementation measures").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "requirement-phone.png"), full_page=False)
    context.close()


def test_keyboard_user_reaches_the_content_first(server: str, page: Page) -> None:
    page.goto(f"{server}/framework/unodc-2009/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
