"""Full-text search: PostgreSQL's ranking in production, plain matching on SQLite."""

from __future__ import annotations

import pytest

from framework.models import Item, Requirement
from framework.search import search, terms
from tests.factories import build_catalogue

pytestmark = pytest.mark.django_db


def test_terms_keep_quoted_phrases_together() -> None:
    assert terms('"victim consent" compensation') == ["victim consent", "compensation"]
    assert terms('unbalanced "quote') == ["unbalanced", "quote"]


def test_search_covers_requirements_items_citations_and_documents() -> None:
    fw = build_catalogue(requirements=2)
    Requirement.objects.filter(framework=fw, code="1.2").update(title="Repatriation of victims")
    Item.objects.filter(framework=fw, code="1.1.OI1").update(text="Number of victims repatriated")
    fw.citations.filter(code="1.1.R1").update(citation="IOM handbook on repatriation of victims")
    fw.documents.filter(key="D111").update(title="Handbook on repatriation of victims")
    codes = [h.code for h in search(fw, "repatriation")] + [h.code for h in search(fw, "repatriated")]
    assert {"1.2", "1.1.OI1", "1.1.R1", "D111"} <= set(codes)


def test_search_requires_every_word() -> None:
    fw = build_catalogue(requirements=2)
    Item.objects.filter(framework=fw, code="1.1.IM1").update(text="Protect the privacy of victims")
    Item.objects.filter(framework=fw, code="1.2.IM1").update(text="Protect witnesses")
    assert [h.code for h in search(fw, "protect privacy")] == ["1.1.IM1"]


def test_search_stays_inside_one_framework() -> None:
    a = build_catalogue()
    b = build_catalogue()
    Item.objects.filter(framework=b, code="1.1.IM1").update(text="Unique zebra words")
    assert search(a, "zebra") == []
    assert [h.code for h in search(b, "zebra")] == ["1.1.IM1"]


def test_postgres_search_stems_and_ranks(postgres: None) -> None:
    fw = build_catalogue(requirements=2)
    Item.objects.filter(framework=fw, code="1.1.IM1").update(text="Prosecutors prosecute traffickers")
    Item.objects.filter(framework=fw, code="1.2.IM1").update(
        text="Train prosecutors on prosecution of trafficking"
    )
    hits = search(fw, "prosecuting trafficker")
    assert "1.1.IM1" in [h.code for h in hits]  # stemming: prosecuting ~ prosecute, trafficker ~ traffickers
    assert all(h.rank > 0 for h in hits)
