"""The review loop in headless Chromium: submit, finding, return, reply and edit, resubmit, accept."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, expect

from assessments import services
from assessments.models import Answer, Assessment
from tests.assessments.test_filling_journey import card, login
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(browser: Browser, contexts: list[BrowserContext], user: Any, base: str, path: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en")
    contexts.append(context)
    login(context, user, base)
    page = context.new_page()
    page.goto(base + path)
    return page


def test_submit_review_return_reply_resubmit_accept(live_url: str, browser: Browser) -> None:
    call_command("load_countries", stdout=io.StringIO())
    fw = build_catalogue(requirements=1, per_column=1)
    country = CountryFactory(code="XDA")
    team = make_team(country, "d")
    for user in team.values():
        user.email = user.username
        user.save()
    reviewer = make_reviewer()
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    for answer in a.answers.all():
        status = "met" if answer.kind == "framework_indicator" else "in_place"
        services.save_answer(
            answer_id=answer.pk, by=team["coordinator"], base_version=1, changes={"status": status}
        )
    contexts: list[BrowserContext] = []
    base = live_url
    try:
        # The coordinator submits; nothing is open, so no confirmation is needed.
        coordinator = as_user(browser, contexts, team["coordinator"], base, f"/assessments/{a.pk}/")
        coordinator.get_by_role("link", name="Submit to UNODC").click()
        expect(coordinator.get_by_text("Every item has an answer.")).to_be_visible()
        coordinator.get_by_label("Comment (shown in the timeline)").fill("Our 2026 report.")
        coordinator.locator("main").get_by_role("button", name="Submit to UNODC").click()
        expect(coordinator.locator(".message-success")).to_contain_text("submitted")
        expect(coordinator.locator(".badge.state-submitted").first).to_be_visible()

        # The reviewer takes it into review, writes a finding on an item, returns it.
        rev = as_user(browser, contexts, reviewer, base, "/assessments/secretariat/")
        expect(rev.locator(".data-table").first).to_contain_text(str(country.name))
        rev.get_by_role("link", name=str(country.name)).first.click()
        rev.get_by_role("link", name="Start the review").click()
        rev.locator("main").get_by_role("button", name="Start the review").click()
        expect(rev.locator(".message-success")).to_contain_text("in review")
        rev.goto(f"{base}/assessments/{a.pk}/requirements/1.1/")
        rev.get_by_label("On", exact=True).select_option("1.1.IM1")
        rev.get_by_label("Finding", exact=True).fill("Which budget funds the specialised units?")
        rev.get_by_label("Your own rating").select_option("partially_in_place")
        rev.get_by_role("button", name="Record the finding").click()
        expect(rev.locator(".finding")).to_contain_text("Which budget funds")
        rev.goto(f"{base}/assessments/{a.pk}/")
        rev.get_by_role("link", name="Return to the country").click()
        rev.locator("main").get_by_role("button", name="Return to the country").click()
        expect(rev.locator(".message-success")).to_contain_text("returned")

        # The contributor sees the open finding first, replies, and edits the answer.
        contributor = as_user(browser, contexts, team["contributor"], base, f"/assessments/{a.pk}/")
        expect(contributor.locator(".findings-summary")).to_contain_text("1 open review finding")
        contributor.locator(".findings-summary a").first.click()
        contributor.get_by_label("Reply").fill("The 2026 budget law, line 14.")
        contributor.get_by_role("button", name="Send reply").click()
        expect(contributor.locator(".replies")).to_contain_text("line 14")
        im = card(contributor, "1.1.IM1")
        im.get_by_label("How the country meets it").fill("Funded by the 2026 budget law, line 14.")
        expect(im.locator(".save-status")).to_contain_text("Saved")

        # The coordinator resubmits; the reviewer resolves the finding and accepts.
        coordinator.goto(f"{base}/assessments/{a.pk}/")
        coordinator.get_by_role("link", name="Submit to UNODC").click()
        coordinator.locator("main").get_by_role("button", name="Submit to UNODC").click()
        expect(coordinator.locator(".message-success")).to_contain_text("submitted")
        rev.goto(f"{base}/assessments/{a.pk}/")
        rev.get_by_role("link", name="Start the review").click()
        rev.locator("main").get_by_role("button", name="Start the review").click()
        rev.goto(f"{base}/assessments/{a.pk}/requirements/1.1/")
        rev.get_by_role("button", name="Mark resolved").click()
        expect(rev.locator(".finding")).to_contain_text("Resolved")
        rev.goto(f"{base}/assessments/{a.pk}/")
        rev.get_by_role("link", name="Accept").click()
        rev.locator("main").get_by_role("button", name="Accept").click()
        expect(rev.locator(".message-success")).to_contain_text("accepted")
        expect(rev.locator(".timeline li")).to_have_count(6)
    finally:
        for context in contexts:
            context.close()
    a.refresh_from_db()
    assert a.state == Assessment.State.ACCEPTED
    assert (
        Answer.objects.get(assessment=a, item__code="1.1.IM1").narrative
        == "Funded by the 2026 budget law, line 14."
    )
    subjects = [m.subject for m in mail.outbox]
    assert any("assessment submitted" in s for s in subjects)
    assert any("returned for changes" in s for s in subjects)
    assert any("assessment accepted" in s for s in subjects)
