"""The read-only catalogue API under /api/v1/: public, documented, a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from framework.exporting import export_catalogue
from framework.models import Framework
from tests.factories import build_catalogue

pytestmark = pytest.mark.django_db


def get(client: Client, url: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json(), len(ctx.captured_queries)


def list_urls(fw: Framework) -> list[str]:
    base = f"/api/v1/frameworks/{fw.code}"
    return [
        "/api/v1/frameworks/",
        f"{base}/pillars/",
        f"{base}/requirements/",
        f"{base}/requirements/?pillar=1",
        f"{base}/items/",
        f"{base}/items/?kind=implementation_measure&pillar=1",
        f"{base}/documents/",
        f"{base}/requirements/1.1/",
        f"{base}/export/",
    ]


def test_frameworks_list_and_detail(client: Client) -> None:
    fw = build_catalogue()
    data, _ = get(client, "/api/v1/frameworks/")
    assert data["results"][0]["code"] == fw.code
    data, _ = get(client, f"/api/v1/frameworks/{fw.code}/")
    assert data == {
        "code": fw.code,
        "title": fw.title,
        "edition": "2009",
        "publisher": fw.publisher,
        "published": "",
    }


def test_requirement_detail_has_its_six_columns(client: Client) -> None:
    fw = build_catalogue(per_column=2)
    data, _ = get(client, f"/api/v1/frameworks/{fw.code}/requirements/1.1/")
    assert data["code"] == "1.1" and data["articles"] == ["article 1, Protocol"] and data["pillar"] == 1
    assert [i["code"] for i in data["implementation_measures"]] == ["1.1.IM1", "1.1.IM2"]
    assert data["operational_indicators"][0]["answer_type"] == "count"
    assert data["resources"][0]["document"]["key"] == "D111"
    assert data["resources"][1]["document"] is None


def test_item_and_document_detail_by_code(client: Client) -> None:
    fw = build_catalogue()
    data, _ = get(client, f"/api/v1/frameworks/{fw.code}/items/1.1.FI1/")
    assert data["kind"] == "framework_indicator" and data["requirement"] == "1.1"
    data, _ = get(client, f"/api/v1/frameworks/{fw.code}/documents/D111/")
    assert data["organisation"] == "UNODC"


def test_filters_narrow_the_lists(client: Client) -> None:
    fw = build_catalogue(pillars=2, requirements=2, per_column=2)
    data, _ = get(client, f"/api/v1/frameworks/{fw.code}/requirements/?pillar=2")
    assert {r["pillar"] for r in data["results"]} == {2}
    data, _ = get(client, f"/api/v1/frameworks/{fw.code}/items/?kind=operational_indicator&requirement=1.1")
    assert [i["code"] for i in data["results"]] == ["1.1.OI1", "1.1.OI2"]


@pytest.mark.parametrize(
    "query",
    [
        "requirements/?pillar=%C2%B2",
        "requirements/?pillar=one",
        "items/?requirement=%00",
        "items/?requirement=1.4%00",
        "items/?requirement=" + "1" * 200,
        "items/?pillar=1019918976921310068736",
        "items/?kind=everything",
        "documents/?section=nowhere",
        "items/?limit=1019918976921310068736",
        "items/?offset=abc",
    ],
)
def test_a_bad_filter_is_a_400_naming_it_for_anonymous_visitors(client: Client, query: str) -> None:
    fw = build_catalogue()
    response = client.get(f"/api/v1/frameworks/{fw.code}/{query}")
    assert response.status_code == 400, response.content[:300]
    name = query.split("?")[1].split("=")[0]
    assert set(response.json()) == {name}
    assert isinstance(response.json()[name][0], str)


def test_the_page_size_is_capped_at_500(client: Client) -> None:
    fw = build_catalogue()
    assert client.get(f"/api/v1/frameworks/{fw.code}/items/?limit=500").status_code == 200
    refused = client.get(f"/api/v1/frameworks/{fw.code}/items/?limit=501")
    assert refused.status_code == 400
    assert "500" in refused.json()["limit"][0]


def test_export_endpoint_serves_the_export_document(client: Client) -> None:
    fw = build_catalogue()
    data, _ = get(client, f"/api/v1/frameworks/{fw.code}/export/")
    assert data == export_catalogue(fw)


def test_unknown_things_are_404(client: Client) -> None:
    fw = build_catalogue()
    for url in [
        "/api/v1/frameworks/nope/",
        "/api/v1/frameworks/nope/requirements/",
        f"/api/v1/frameworks/{fw.code}/requirements/7.7/",
        f"/api/v1/frameworks/{fw.code}/items/1.1.IM7/",
        f"/api/v1/frameworks/{fw.code}/documents/ZZ9/",
    ]:
        assert client.get(url).status_code == 404, url


def test_the_catalogue_api_is_read_only(client: Client, admin_client: Client) -> None:
    fw = build_catalogue()
    for c in (client, admin_client):
        assert c.post(f"/api/v1/frameworks/{fw.code}/items/", {"code": "x"}).status_code in {403, 405}
        assert c.delete(f"/api/v1/frameworks/{fw.code}/items/1.1.IM1/").status_code in {403, 405}


@pytest.mark.parametrize("index", range(9))
def test_query_count_does_not_grow_with_the_catalogue(client: Client, index: int) -> None:
    small = build_catalogue(requirements=1, per_column=1)
    large = build_catalogue(pillars=5, requirements=6, per_column=8)
    _, few = get(client, list_urls(small)[index])
    _, many = get(client, list_urls(large)[index])
    assert few == many


def test_openapi_schema_documents_the_catalogue_endpoints(client: Client) -> None:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in [
        "/api/v1/frameworks/",
        "/api/v1/frameworks/{fw}/requirements/{code}/",
        "/api/v1/frameworks/{fw}/items/",
        "/api/v1/frameworks/{fw}/documents/",
        "/api/v1/frameworks/{fw}/export/",
        "/api/v1/frameworks/{fw}/pillars/",
    ]:
        assert path in paths, path


def test_api_docs_page_uses_only_vendored_assets(client: Client) -> None:
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
