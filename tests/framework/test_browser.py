"""The public framework browser: pages anyone can read, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from framework.models import Framework, Item, Requirement
from tests.factories import build_catalogue

pytestmark = pytest.mark.django_db


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def urls(fw: Framework) -> list[str]:
    return [
        f"/framework/{fw.code}/",
        f"/framework/{fw.code}/pillars/1/",
        f"/framework/{fw.code}/requirements/1.1/",
        f"/framework/{fw.code}/resources/",
        f"/framework/{fw.code}/search/?q=trafficking",
    ]


def test_anonymous_visitor_reads_every_page(client: Client) -> None:
    fw = build_catalogue(requirements=2, per_column=2)
    for url in urls(fw):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", "")


def test_the_browser_root_goes_to_the_current_edition(client: Client) -> None:
    build_catalogue()
    newer = build_catalogue(
        framework=Framework.objects.create(code="unodc-2030", title="Next", edition="2030")
    )
    response = client.get("/framework/")
    assert response.status_code == 302
    assert response["Location"] == f"/framework/{newer.code}/"
    assert client.get("/").status_code == 302


def test_unknown_framework_pillar_requirement_or_item_is_404(client: Client) -> None:
    fw = build_catalogue()
    for url in [
        "/framework/nope/",
        f"/framework/{fw.code}/pillars/9/",
        f"/framework/{fw.code}/requirements/1.9/",
        f"/framework/{fw.code}/items/1.1.IM9/",
        f"/framework/{fw.code}/requirements/not-a-code/",
    ]:
        assert client.get(url).status_code == 404, url


def test_requirement_page_shows_each_item_in_its_column(client: Client) -> None:
    fw = build_catalogue(per_column=2)
    html = client.get(f"/framework/{fw.code}/requirements/1.1/").content.decode()
    for column, prefix in [
        ("objectives", "O"),
        ("framework-indicators", "FI"),
        ("implementation-measures", "IM"),
        ("operational-indicators", "OI"),
    ]:
        cell = html.split(f'class="cell cell-{column}"')[1].split('class="cell ')[0]
        assert f'id="1.1.{prefix}1"' in cell and f'id="1.1.{prefix}2"' in cell
    resources = html.split('class="cell cell-resources"')[1]
    assert 'id="1.1.R1"' in resources and "Annex entry D111" in resources
    assert "No entry in the Framework" in resources  # 1.1.R2 is unlinked
    assert "article 1, Protocol" in html


def test_sub_rows_are_shown_as_separate_bands(client: Client) -> None:
    fw = build_catalogue(per_column=2)
    Item.objects.filter(framework=fw, code="1.1.IM2").update(band=2)
    html = client.get(f"/framework/{fw.code}/requirements/1.1/").content.decode()
    assert html.count('<section class="band"') == 2


def test_item_address_leads_to_its_place_on_the_requirement_page(client: Client) -> None:
    fw = build_catalogue()
    response = client.get(f"/framework/{fw.code}/items/1.1.IM1/")
    assert response.status_code == 302
    assert response["Location"] == f"/framework/{fw.code}/requirements/1.1/#1.1.IM1"


def test_catalogue_text_is_escaped_everywhere(client: Client) -> None:
    fw = build_catalogue()
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    Item.objects.filter(framework=fw, code="1.1.IM1").update(text=f"Trafficking {evil}")
    Requirement.objects.filter(framework=fw, code="1.1").update(title=f"Trafficking {evil}")
    for url in [*urls(fw), f"/framework/{fw.code}/search/?q=script"]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
    html = client.get(f"/framework/{fw.code}/search/?q=%3Cscript%3E").content.decode()
    assert "&lt;script&gt;" in html and "<script>alert" not in html


def test_pages_send_a_strict_content_security_policy(client: Client) -> None:
    fw = build_catalogue()
    response = client.get(f"/framework/{fw.code}/requirements/1.1/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    assert "http://" not in html.split("<body")[0]  # no asset from another host


def test_pages_declare_language_and_direction(client: Client) -> None:
    fw = build_catalogue()
    html = client.get(f"/framework/{fw.code}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    html = client.get(f"/framework/{fw.code}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr" dir="ltr">' in html


@pytest.mark.parametrize("page", range(5))
def test_page_query_count_does_not_grow_with_the_catalogue(client: Client, page: int) -> None:
    small = build_catalogue(requirements=1, per_column=1)
    large = build_catalogue(pillars=5, requirements=8, per_column=9)
    assert queries(client, urls(small)[page]) == queries(client, urls(large)[page])


def test_pages_stay_within_ten_queries(client: Client) -> None:
    fw = build_catalogue(pillars=5, requirements=8, per_column=9)
    for url in urls(fw):
        assert queries(client, url) <= 10, url


def test_search_finds_a_phrase_and_links_to_the_node(client: Client) -> None:
    fw = build_catalogue(requirements=2)
    Item.objects.filter(framework=fw, code="1.2.IM1").update(
        text="Ensure that the consent of a victim is irrelevant"
    )
    html = client.get(f"/framework/{fw.code}/search/", {"q": '"consent of a victim"'}).content.decode()
    assert f'href="/framework/{fw.code}/requirements/1.2/#1.2.IM1"' in html
    assert "<mark>consent of a victim</mark>" in html
    assert "1 result" in html


def test_search_with_htmx_returns_only_the_results_fragment(client: Client) -> None:
    fw = build_catalogue()
    html = client.get(
        f"/framework/{fw.code}/search/", {"q": "trafficking"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in html and "result" in html


def test_search_for_nothing_or_punctuation_is_calm(client: Client) -> None:
    fw = build_catalogue()
    for q in ["", "   ", '"', "%", "'; DROP TABLE framework_item; --"]:
        response = client.get(f"/framework/{fw.code}/search/", {"q": q})
        assert response.status_code == 200, q
    assert Item.objects.filter(framework=fw).exists()


def test_library_lists_both_annex_sections_with_links(client: Client) -> None:
    fw = build_catalogue()
    fw.documents.create(
        key="L01",
        section="legal_instruments",
        position=9999,
        title="A Convention",
        url="www.example.org/c",
        availability="available",
    )
    html = client.get(f"/framework/{fw.code}/resources/").content.decode()
    assert "Resources referred to in tables" in html and "International legal instruments" in html
    assert 'href="http://www.example.org/c"' in html  # a bare www. address becomes a link
    assert 'id="L01"' in html
    assert f'href="/framework/{fw.code}/requirements/1.1/#1.1.R1"' in html  # cited at


def test_admin_lists_every_catalogue_model(admin_client: Client) -> None:
    build_catalogue()
    for model in [
        "framework",
        "pillar",
        "requirement",
        "objective",
        "frameworkindicator",
        "implementationmeasure",
        "operationalindicator",
        "resourcecitation",
        "resourcedocument",
        "agency",
        "guidingprinciple",
        "disaggregationdimension",
        "technicalassistancearea",
    ]:
        assert admin_client.get(f"/admin/framework/{model}/").status_code == 200, model


@pytest.mark.parametrize("query", ["victim\x00", "\x00", "a\x1bb", "\x7f"])
def test_search_with_control_characters_answers_a_page_not_a_500(client: Client, query: str) -> None:
    fw = build_catalogue()
    response = client.get(f"/framework/{fw.code}/search/", {"q": query})
    assert response.status_code == 200


def test_an_overlong_search_says_how_long_a_search_may_be(client: Client) -> None:
    fw = build_catalogue()
    response = client.get(f"/framework/{fw.code}/search/", {"q": "trafficking " * 100})
    assert response.status_code == 200
    assert "Search for at most 300 characters" in response.content.decode()
