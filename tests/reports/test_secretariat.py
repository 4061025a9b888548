"""The secretariat's view across countries: reviewed assessments only, computed in the database;
its page, its matrix and its data through the API.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from assessments import services
from assessments.models import Assessment, Finding, Transition
from reports import secretariat
from tests.factories import CountryFactory, api, build_catalogue, make_reviewer, make_team

pytestmark = pytest.mark.django_db


def submitted_country(
    fw: Any, code: str, *, region: str = "europe", statuses: dict[str, str] | None = None, days_ago: int = 0
) -> Assessment:
    country = CountryFactory(code=code, region=region)
    team = make_team(country, code.lower())
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    for answer in a.answers.select_related("item"):
        status = (statuses or {}).get(answer.item.code)
        if status:
            services.save_answer(
                answer_id=answer.pk,
                by=team["coordinator"],
                base_version=1,
                changes={"status": status, "justification": "x"},
            )
    services.transition(assessment_id=a.pk, by=team["coordinator"], action="submit", confirm_open=True)
    Transition.objects.filter(assessment=a).update(at=timezone.now() - datetime.timedelta(days=days_ago))
    return a


def reviewer_client() -> Client:
    client = Client()
    client.force_login(make_reviewer())
    return client


def test_drafts_never_appear() -> None:
    fw = build_catalogue()
    shown = submitted_country(fw, "XSA")
    draft_country = CountryFactory(code="XDR")
    team = make_team(draft_country, "xdr")
    services.create_assessment(country=draft_country, cycle=2026, framework=fw, by=team["coordinator"])
    rows = list(secretariat.current_assessments())
    assert [r.pk for r in rows] == [shown.pk]
    html = reviewer_client().get("/assessments/secretariat/").content.decode()
    assert str(shown.country.name) in html
    assert str(draft_country.name) not in html


def test_shares_per_pillar_count_partial_as_half_and_leave_out_not_applicable() -> None:
    fw = build_catalogue(per_column=2)
    a = submitted_country(
        fw,
        "XSB",
        statuses={
            "1.1.FI1": "met",
            "1.1.FI2": "partially_met",
            "1.0.FI1": "not_met",
            "1.0.FI2": "not_applicable",
            "1.1.IM1": "alternative",
            "1.1.IM2": "planned",
        },
    )
    matrix = secretariat.pillar_matrix([a])
    cell = matrix[a.pk][1]
    assert cell["standards"] == pytest.approx((1 + 0.5 + 0) / 3)  # N/A and not-assessed left out
    assert cell["measures"] == pytest.approx((1 + 0) / 2)
    # Coverage as in the gap analysis: six of pillar 1's eight items assessed (N/A included).
    items = a.answers.filter(item__pillar__number=1).count()
    assert (cell["assessed"], cell["assessable"]) == (6, items)
    assert cell["coverage"] == pytest.approx(6 / items)


def test_current_assessment_is_the_latest_reviewed_cycle_and_filters_work() -> None:
    fw = build_catalogue()
    old = submitted_country(fw, "XSC", region="africa")
    Assessment.objects.filter(pk=old.pk).update(cycle=2024, state="accepted")
    newer = services.create_assessment(country=old.country, cycle=2026, framework=fw, by=old.created_by)
    assert [r.pk for r in secretariat.current_assessments()] == [old.pk]  # the 2026 one is still a draft
    services.transition(assessment_id=newer.pk, by=old.created_by, action="submit", confirm_open=True)
    assert [r.pk for r in secretariat.current_assessments()] == [newer.pk]
    assert [r.pk for r in secretariat.current_assessments(cycle=2024)] == [old.pk]
    assert list(secretariat.current_assessments(region="asia")) == []
    assert [r.pk for r in secretariat.current_assessments(state="accepted", cycle=2024)] == [old.pk]


def test_review_queue_oldest_first_with_days_waiting_and_open_findings() -> None:
    fw = build_catalogue()
    recent = submitted_country(fw, "XSD", days_ago=2)
    oldest = submitted_country(fw, "XSE", days_ago=30)
    reviewer = make_reviewer("second@unodc.example")
    services.transition(assessment_id=recent.pk, by=reviewer, action="start_review")
    services.add_finding(
        assessment=recent, by=reviewer, requirement=fw.requirements.get(code="1.1"), text="Why?"
    )
    Assessment.objects.filter(pk=recent.pk).update(state="submitted")
    rows: dict[int, Any] = {r.pk: r for r in secretariat.current_assessments()}
    assert rows[recent.pk].open_findings == 1
    html = reviewer_client().get("/assessments/secretariat/").content.decode()
    queue = html.split("Review queue")[1].split("<h2>")[0]
    assert queue.index(oldest.country.name) < queue.index(recent.country.name)
    assert ">30<" in queue


def test_dashboard_and_matrix_queries_do_not_grow_with_countries() -> None:
    fw = build_catalogue(pillars=3, requirements=2, per_column=2)
    submitted_country(fw, "XQA", statuses={"1.1.FI1": "met"})
    client = reviewer_client()
    client.get("/assessments/secretariat/")
    with CaptureQueriesContext(connection) as few:
        client.get("/assessments/secretariat/")
    for n in range(12):
        submitted_country(fw, f"XR{chr(65 + n)}", statuses={"1.1.FI1": "met", "2.1.IM1": "in_place"})
    Finding.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/assessments/secretariat/")
    assert response.status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(many.captured_queries) <= 15


@pytest.mark.parametrize("cycle", ["²", "٣", "2026\x00", "9" * 30, "-1", "x"])
def test_unreadable_filter_values_on_the_page_are_ignored_not_a_500(cycle: str) -> None:
    fw = build_catalogue()
    submitted_country(fw, "XSA")
    client = reviewer_client()
    for url in ("/assessments/secretariat/", "/assessments/secretariat/matrix.xlsx"):
        response = client.get(url, {"cycle": cycle, "region": "europe\x00", "state": "\x00"})
        assert response.status_code == 200, url


# --- the secretariat's data through the API ------------------------------------------------------


def test_secretariat_data_for_reviewers_only_and_without_drafts(review_setup: dict[str, Any]) -> None:
    a, team, reviewer = review_setup["a"], review_setup["team"], review_setup["reviewer"]
    assert api(reviewer).get("/api/v1/secretariat/").json() == []
    services.transition(assessment_id=a.pk, by=team["coordinator"], action="submit", confirm_open=True)
    rows = api(reviewer).get("/api/v1/secretariat/").json()
    assert [r["country"] for r in rows] == ["XAA"]
    assert set(rows[0]["pillars"]) == {"1"}
    assert api(team["coordinator"]).get("/api/v1/secretariat/").status_code == 403
    assert APIClient().get("/api/v1/secretariat/").status_code == 401


@pytest.mark.parametrize(
    "query", ["cycle=%C2%B2", "cycle=99999999999999999999", "region=atlantis", "state=draft"]
)
def test_a_bad_secretariat_filter_is_a_400_naming_it(review_setup: dict[str, Any], query: str) -> None:
    response = api(review_setup["reviewer"]).get(f"/api/v1/secretariat/?{query}")
    assert response.status_code == 400
    assert set(response.json()) == {query.split("=")[0]}


def test_secretariat_filters_still_narrow_the_rows(review_setup: dict[str, Any]) -> None:
    a, team, reviewer = review_setup["a"], review_setup["team"], review_setup["reviewer"]
    services.transition(assessment_id=a.pk, by=team["coordinator"], action="submit", confirm_open=True)
    assert len(api(reviewer).get("/api/v1/secretariat/?region=europe&state=submitted&cycle=2026").json()) == 1
    assert api(reviewer).get("/api/v1/secretariat/?cycle=2025").json() == []
    assert api(reviewer).get("/api/v1/secretariat/?region=africa").json() == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", ["Allemagne", "Égypte", "Espagne"]), ("en", ["Egypt", "Germany", "Spain"])],
)
def test_the_countries_are_in_the_order_of_their_names_in_the_readers_language(
    language: str, expected: list[str]
) -> None:
    """French order puts "Égypte" between "Allemagne" and "Espagne" (byte order puts it last)."""
    from django.core.management import call_command

    from portal.models import Profile

    call_command("load_countries", stdout=io.StringIO())
    fw = build_catalogue()
    for code in ("ESP", "EGY", "DEU"):
        submitted_country(fw, code)
    reviewer = make_reviewer()
    Profile.objects.update_or_create(user=reviewer, defaults={"language": language})
    client = Client()
    client.force_login(reviewer)
    html = client.get(reverse("reports:secretariat")).content.decode()
    matrix = html[html.index('class="data-table matrix"') :]
    positions = [matrix.index(f">{name}<") for name in expected]
    assert positions == sorted(positions)
    with translation.override(language):
        rows, _matrix = secretariat.filtered({})
        assert [row.country.display_name for row in rows] == expected


def test_the_matrix_is_searched_by_country_and_sorted_by_any_column() -> None:
    fw = build_catalogue(per_column=2)
    met = {"1.1.FI1": "met", "1.1.FI2": "met", "1.0.FI1": "met", "1.0.FI2": "met"}
    high = submitted_country(fw, "XHA", statuses=met)
    low = submitted_country(fw, "XLO", statuses={"1.1.FI1": "not_met"})
    none = submitted_country(fw, "XNO")
    for a, name in ((high, "Highland"), (low, "Lowland"), (none, "Noland")):
        a.country.name = name
        a.country.save()
    rows, _matrix = secretariat.filtered({"sort": "-p1"})
    assert [r.country.code for r in rows] == ["XHA", "XLO", "XNO"]  # nothing counted comes last
    rows, _matrix = secretariat.filtered({"sort": "p1"})
    assert [r.country.code for r in rows] == ["XLO", "XHA", "XNO"]
    rows, _matrix = secretariat.filtered({"sort": "-country"})
    assert [r.country.code for r in rows] == ["XNO", "XLO", "XHA"]
    rows, _matrix = secretariat.filtered({"q": "LAND", "sort": "nonsense"})
    assert [r.country.code for r in rows] == ["XHA", "XLO", "XNO"]  # bad sort: names' order
    assert [r.country.code for r in secretariat.filtered({"q": "xlo"})[0]] == ["XLO"]
    html = reviewer_client().get(reverse("reports:secretariat"), {"sort": "p1", "q": "land"}).content.decode()
    assert 'aria-sort="ascending"' in html
    assert "sort=-p1" in html and "q=land" in html  # the heading reverses, the search is kept


def test_regional_aggregates_count_countries_and_take_medians() -> None:
    fw = build_catalogue(per_column=2)
    met = {code: "met" for code in ("1.0.FI1", "1.0.FI2", "1.1.FI1", "1.1.FI2")}
    submitted_country(fw, "XEA", region="europe", statuses=met)
    submitted_country(fw, "XEB", region="europe", statuses={c: "not_met" for c in met})
    submitted_country(fw, "XAF", region="africa")
    rows, matrix = secretariat.filtered({})
    by = {r["region"]: r for r in secretariat.regions(rows, matrix)}
    assert (by["europe"]["countries"], by["africa"]["countries"]) == (2, 1)
    assert by["europe"]["standards"] == pytest.approx(0.5)  # the median of 1.0 and 0.0
    assert by["africa"]["standards"] is None  # nothing assessed: no share to take a median of
    assert by["africa"]["coverage"] == 0.0
    html = reviewer_client().get(reverse("reports:secretariat")).content.decode()
    assert "Countries reporting" in html
