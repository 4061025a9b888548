"""Filling in an assessment in headless Chromium: autosave, conflicts, a lost connection, an
ended session, keyboard use, and an automated accessibility check (axe-core, vendored)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, expect

from assessments import services
from assessments.models import Answer, Assessment
from portal.sessions import SEEN
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# htmx logs a failed request to the console itself; that is the behaviour under test, not a fault.
EXPECTED_CONSOLE = ("htmx:", "Failed to load resource", "ERR_INTERNET_DISCONNECTED")


@pytest.fixture
def world(live_url: str) -> dict[str, Any]:
    call_command("load_countries", stdout=io.StringIO())
    fw = build_catalogue(requirements=2, per_column=2)
    country = CountryFactory(code="XDA")
    team = make_team(country, "d")
    assessment = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    return {"url": live_url, "assessment": assessment, "team": team}


def login(context: BrowserContext, user: Any, base: str) -> None:
    """Sign the browser in by session cookie (the sign-in form has its own test)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key or "", "url": base}]
    )


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def open_page(
    browser: Browser, contexts: list[BrowserContext], user: Any, base: str, path: str, language: str = "en"
) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=language)
    contexts.append(context)
    if language != "en":  # the person's choice, as the language buttons leave it
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    if user is not None:
        login(context, user, base)
    page = context.new_page()
    page.on("pageerror", lambda exc: pytest.fail(f"JavaScript error: {exc}"))
    page.goto(base + path)
    return page


def card(page: Page, code: str) -> Any:
    return page.locator(f"[id='{code}']")


def saves(card: Any, action: Any) -> None:
    """Do ``action`` and wait until the server has stored it (the form's version moves on)."""
    version = card.locator("input[name=version]")
    before = version.input_value()
    action()
    expect(version).not_to_have_value(before, timeout=10000)
    expect(card.locator(".save-status")).to_contain_text("Saved")


def sign_in_again_and_retry(context: BrowserContext, base: str, user: Any, card: Any) -> None:
    """The user signs in again in another tab, then retries the save the first tab kept."""
    other = context.new_page()
    other.goto(base + "/accounts/login/")
    other.get_by_label("E-mail address").fill(user.username)
    other.get_by_label("Password").fill("a long enough password")
    other.locator("main").get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("heading", level=1)).to_contain_text("Assessments")
    card.get_by_role("button", name="Retry").click()
    expect(card.locator(".save-status")).to_contain_text("Saved")


def answer(assessment: Assessment, code: str) -> Answer:
    return Answer.objects.get(assessment=assessment, item__code=code)


def req_path(assessment: Assessment, code: str = "1.1") -> str:
    return f"/assessments/{assessment.pk}/requirements/{code}/"


def test_sign_in_with_the_form(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    user = world["team"]["contributor"]
    user.set_password("a long enough password")
    user.save()
    page = open_page(browser, contexts, None, world["url"], f"/assessments/{world['assessment'].pk}/")
    expect(page).to_have_url(f"{world['url']}/accounts/login/?next=/assessments/{world['assessment'].pk}/")
    page.get_by_label("E-mail address").fill(user.username)
    page.get_by_label("Password").fill("a long enough password")
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("self-assessment 2026")


def test_autosave_keeps_every_field(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    page = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a))
    im = card(page, "1.1.IM1")
    saves(im, lambda: im.get_by_label("Partially in place").check())
    saves(im, lambda: im.get_by_label("How the country meets it").fill("Units in three of five regions."))
    im.get_by_text("Legal references").click()
    saves(im, lambda: im.get_by_label("Instrument").first.fill("Penal Code"))
    saves(
        im,
        lambda: (im.get_by_label("Article").first.fill("art. 201"), im.get_by_label("Article").first.blur()),
    )
    saved = answer(a, "1.1.IM1")
    assert saved.status == "partially_in_place"
    assert saved.narrative == "Units in three of five regions."
    assert saved.legal_references == [
        {"instrument": "Penal Code", "article": "art. 201", "adopted_on": "", "url": ""}
    ]
    page.reload()
    expect(card(page, "1.1.IM1").get_by_label("How the country meets it")).to_have_value(
        "Units in three of five regions."
    )


def test_justification_is_asked_for_and_nothing_is_lost(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    page = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a))
    im = card(page, "1.1.IM1")
    im.get_by_label("Not applicable", exact=True).check()
    expect(im.locator(".save-status")).to_contain_text("needs a justification")
    im.get_by_label("Justification").fill("The offence is covered by the Penal Code.")
    expect(im.locator(".save-status")).to_contain_text("Saved")
    assert answer(a, "1.1.IM1").status == "not_applicable"


def test_a_conflict_shows_both_versions_and_never_overwrites_silently(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    mine = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a))
    theirs = open_page(browser, contexts, world["team"]["coordinator"], world["url"], req_path(a))
    card(theirs, "1.1.FI1").get_by_label("How the country meets it").fill("The coordinator's text")
    expect(card(theirs, "1.1.FI1").locator(".save-status")).to_contain_text("Saved")
    fi = card(mine, "1.1.FI1")
    fi.get_by_label("How the country meets it").fill("The contributor's text")
    box = fi.locator(".conflict-box")
    expect(box).to_be_visible()
    expect(box).to_contain_text("The coordinator's text")
    expect(box).to_contain_text("The contributor's text")
    assert answer(a, "1.1.FI1").narrative == "The coordinator's text"  # nothing overwritten
    box.get_by_role("button", name="Keep mine").click()
    expect(fi.locator(".save-status")).to_contain_text("Saved")
    assert answer(a, "1.1.FI1").narrative == "The contributor's text"
    assert answer(a, "1.1.FI1").history.filter(narrative="The coordinator's text").exists()


def test_use_theirs_takes_the_saved_version(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    mine = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a))
    first = answer(a, "1.1.FI1")
    services.save_answer(
        answer_id=first.pk,
        by=world["team"]["coordinator"],
        base_version=1,
        changes={"narrative": "Saved elsewhere"},
    )
    fi = card(mine, "1.1.FI1")
    fi.get_by_label("How the country meets it").fill("Mine, stale")
    fi.locator(".conflict-box").get_by_role("button", name="Use theirs").click()
    expect(fi.get_by_label("How the country meets it")).to_have_value("Saved elsewhere")
    fi.get_by_label("How the country meets it").fill("Built on theirs")
    expect(fi.locator(".save-status")).to_contain_text("Saved")
    assert answer(a, "1.1.FI1").narrative == "Built on theirs"


def test_offline_edits_are_kept_and_sent_when_the_connection_returns(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    page = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a))
    context = contexts[-1]
    im = card(page, "1.1.IM2")
    context.set_offline(True)
    im.get_by_label("How the country meets it").fill("Typed on a train without signal")
    expect(im.locator(".save-status")).to_contain_text("no connection")
    assert answer(a, "1.1.IM2").narrative == ""
    expect(im.get_by_label("How the country meets it")).to_have_value("Typed on a train without signal")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(im.locator(".save-status")).to_contain_text("Saved")
    assert answer(a, "1.1.IM2").narrative == "Typed on a train without signal"


def test_autosave_speaks_chinese(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    """The messages the page's script writes come from the JavaScript catalogue, in the page's
    language: saving, a lost connection, and the save once it is back."""
    a = world["assessment"]
    page = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a), "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    im = card(page, "1.1.IM2")
    narrative = im.locator("textarea[name=narrative]")
    narrative.fill("在火车上输入")
    expect(im.locator(".save-status")).to_contain_text("已保存")
    contexts[-1].set_offline(True)
    narrative.fill("在火车上输入，没有信号")
    expect(im.locator(".save-status")).to_contain_text("未保存：没有网络连接")
    expect(im.locator(".save-status")).not_to_contain_text("no connection")
    contexts[-1].set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(im.locator(".save-status")).to_contain_text("已保存")
    assert answer(a, "1.1.IM2").narrative == "在火车上输入，没有信号"


def test_unsaved_text_survives_closing_the_page_and_can_be_retried(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    page = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a))
    context = contexts[-1]
    context.set_offline(True)
    card(page, "1.1.IM2").get_by_label("How the country meets it").fill("Kept in this browser")
    expect(card(page, "1.1.IM2").locator(".save-status")).to_contain_text("no connection")
    page.close()  # the laptop is shut while offline
    context.set_offline(False)
    page = context.new_page()
    page.goto(world["url"] + req_path(a))
    im = card(page, "1.1.IM2")
    expect(im.get_by_label("How the country meets it")).to_have_value("Kept in this browser")
    expect(im.locator(".save-status")).to_contain_text("restored")
    assert answer(a, "1.1.IM2").narrative == ""
    im.get_by_role("button", name="Retry").click()
    expect(im.locator(".save-status")).to_contain_text("Saved")
    assert answer(a, "1.1.IM2").narrative == "Kept in this browser"


def test_a_narrative_over_its_limit_is_refused_naming_it_kept_and_not_resent(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    page = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a))
    im = card(page, "1.1.IM2")
    expect(im.get_by_text("Up to 20,000 characters")).to_be_visible()
    field = im.get_by_label("How the country meets it")
    field.fill("n" * 20001)
    expect(im.locator(".save-status")).to_contain_text("20,000 characters or fewer")
    expect(field).to_have_value("n" * 20001)  # nothing cut in the browser either
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert posts == []  # a refusal is final: it is not sent again by itself
    assert answer(a, "1.1.IM2").narrative == ""
    saves(im, lambda: field.fill("n" * 20000))
    assert len(answer(a, "1.1.IM2").narrative) == 20000


def test_a_paste_too_large_to_be_read_is_shown_refused_not_failed(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    page = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a))
    im = card(page, "1.1.IM2")
    im.get_by_label("How the country meets it").fill("n" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    expect(im.locator(".save-status")).to_contain_text("refused", timeout=20000)
    expect(im.locator(".save-status")).to_have_attribute("data-state", "invalid")


def test_an_ended_session_keeps_the_text_until_the_user_signs_in_again(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    user = world["team"]["contributor"]
    user.set_password("a long enough password")
    user.save()
    page = open_page(browser, contexts, user, world["url"], req_path(a))
    context = contexts[-1]
    context.clear_cookies()  # the session ends while the page is open
    im = card(page, "1.1.IM1")
    im.get_by_label("How the country meets it").fill("Written after lunch")
    expect(im.locator(".save-status")).to_contain_text("session has ended")
    # The user signs in again in another tab, then retries in the first one.
    sign_in_again_and_retry(context, world["url"], user, im)
    assert answer(a, "1.1.IM1").narrative == "Written after lunch"


def test_an_answer_typed_as_the_idle_timeout_ends_the_session_is_not_lost(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    user = world["team"]["contributor"]
    user.set_password("a long enough password")
    user.save()
    page = open_page(browser, contexts, user, world["url"], req_path(a))
    context = contexts[-1]
    key = next(c["value"] for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=key)
    session[SEEN] = time.time() - settings.SESSION_IDLE_SECONDS - 60  # half an hour at lunch
    session.save()
    im = card(page, "1.1.IM1")
    im.get_by_label("How the country meets it").fill("Typed as the session ran out")
    expect(im.locator(".save-status")).to_contain_text("session has ended")
    sign_in_again_and_retry(context, world["url"], user, im)
    assert answer(a, "1.1.IM1").narrative == "Typed as the session ran out"


def test_keyboard_only_user_answers_an_item(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    a = world["assessment"]
    page = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a))
    fi = card(page, "1.1.FI1")
    fi.get_by_label("Not yet assessed").focus()
    saves(fi, lambda: page.keyboard.press("ArrowRight"))  # moves to "Met" and selects it
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "narrative"

    def type_and_leave() -> None:
        page.keyboard.type("Typed with the keyboard alone")
        page.keyboard.press("Tab")

    saves(fi, type_and_leave)
    saved = answer(a, "1.1.FI1")
    assert saved.status == "met"
    assert saved.narrative == "Typed with the keyboard alone"


def axe_violations(page: Page, base: str) -> list[dict[str, Any]]:
    page.add_script_tag(url=f"{base}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_pages_pass_an_automated_accessibility_check(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext], language: str
) -> None:
    """In English, and in Arabic (right to left) and Chinese, where the catalogue's English text
    sits inside the page marked as English."""
    a = world["assessment"]
    services.add_link_evidence(
        assessment=a, by=world["team"]["coordinator"], url="https://x.example/law", title="Law"
    )
    call_command("load_framework", stdout=io.StringIO())
    pages = {
        world["team"]["coordinator"]: [
            "/assessments/",
            f"/assessments/{a.pk}/",
            f"/assessments/{a.pk}/?show=unanswered",
            req_path(a),
            f"/assessments/{a.pk}/evidence/",
            f"/assessments/{a.pk}/answers/{answer(a, '1.1.IM1').pk}/history/",
            f"/assessments/teams/{a.country.code}/",
            "/assessments/new/",
            f"/reports/assessments/{a.pk}/gap-analysis/",
        ],
        world["team"]["observer"]: [req_path(a)],
        None: [
            "/accounts/login/",
            "/accounts/password/reset/",
            "/framework/unodc-2009/",
            "/framework/unodc-2009/pillars/2/",
            "/framework/unodc-2009/requirements/2.1/",
            "/framework/unodc-2009/resources/",
            "/framework/unodc-2009/search/?q=victims",
            "/reports/how-scores-are-computed/",
        ],
    }
    reviewer = make_reviewer()
    Assessment.objects.filter(pk=a.pk).update(state="submitted")
    pages[reviewer] = [f"/assessments/{a.pk}/", req_path(a), "/assessments/secretariat/"]
    found = {}
    for user, paths in pages.items():
        page = open_page(browser, contexts, user, world["url"], paths[0], language)
        for path in paths:
            page.goto(world["url"] + path)
            assert page.locator("html").get_attribute("lang") == language, path
            violations = axe_violations(page, world["url"])
            if violations:
                found[path] = [
                    (v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations
                ]
    assert not found, found


def test_evidence_breakdowns_and_earlier_years_load_when_opened(
    world: dict[str, Any], browser: Browser, contexts: list[BrowserContext]
) -> None:
    from framework.models import DisaggregationCategory, DisaggregationDimension, Item

    a = world["assessment"]
    user = world["team"]["coordinator"]
    services.add_link_evidence(assessment=a, by=user, url="https://laws.example/pc", title="Penal Code 2019")
    dim = DisaggregationDimension.objects.create(code="sex", name="Sex", position=1)
    for n, code in enumerate(["female", "male"]):
        DisaggregationCategory.objects.create(dimension=dim, code=code, name=code.title(), position=n)
    oi = Item.objects.get(framework=a.framework, code="1.1.OI1")
    for year in range(2019, 2025):
        services.save_data(
            assessment=a, indicator=oi, period=year, by=user, base_version=None, values={"value_count": 50}
        )
    page = open_page(browser, contexts, world["team"]["contributor"], world["url"], req_path(a))

    im = card(page, "1.1.IM1")
    im.get_by_text("Evidence (0)").click()
    im.get_by_label("Penal Code 2019").check()
    im.get_by_role("button", name="Save evidence").click()
    expect(page.locator(".message-success")).to_contain_text("Evidence updated")
    assert list(answer(a, "1.1.IM1").evidence.values_list("title", flat=True)) == ["Penal Code 2019"]

    indicator = card(page, "1.1.OI1")
    expect(indicator.locator("input[name=period]")).to_have_count(4)  # three latest years and a new one
    indicator.get_by_text("3 earlier years").click()
    expect(indicator.locator("input[name=period]")).to_have_count(7, timeout=15000)  # loaded on demand

    indicator.get_by_text("Breakdown (0)").first.click()
    indicator.get_by_label("Female", exact=True).first.fill("40")
    indicator.get_by_label("Male", exact=True).first.fill("30")
    indicator.get_by_role("button", name="Save breakdown").first.click()
    expect(page.locator(".message-error")).to_contain_text("add up to 70, more than the total of 50")
