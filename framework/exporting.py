"""The loaded catalogue as one JSON document: the shape ``export_framework`` writes and the API serves."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from .loading import COLUMN_KINDS
from .models import Framework, Item, Pillar, Requirement, ResourceCitation


def document_summary(doc: Any) -> dict[str, Any] | None:
    if doc is None:
        return None
    return {
        "key": doc.key,
        "organisation": doc.organisation,
        "title": doc.title,
        "year": doc.year,
        "url": doc.url,
    }


def export_catalogue(framework: Framework) -> dict[str, Any]:
    """The whole catalogue of ``framework`` in a fixed number of queries, in printed order."""
    pillars = Pillar.objects.filter(framework=framework).prefetch_related(
        Prefetch("requirements", queryset=Requirement.objects.order_by("position")),
        Prefetch("requirements__items", queryset=Item.objects.order_by("kind_order", "position")),
        Prefetch(
            "requirements__resources",
            queryset=ResourceCitation.objects.select_related("document").order_by("position"),
        ),
    )
    out_pillars = []
    for pillar in pillars:
        requirements = []
        for req in pillar.requirements.all():
            entry: dict[str, Any] = {
                "code": req.code,
                "title": req.title,
                "articles": req.articles,
                "is_overview": req.is_overview,
                "source_lines": req.source_lines,
            }
            items = list(req.items.all())
            for column, kind in COLUMN_KINDS.items():
                entry[column] = [_item(i) for i in items if i.kind == kind]
            entry["resources"] = [
                {
                    "code": c.code,
                    "citation": c.citation,
                    "note": c.note,
                    "band": c.band,
                    "document": document_summary(c.document),
                    "source_lines": c.source_lines,
                }
                for c in req.resources.all()
            ]
            requirements.append(entry)
        out_pillars.append(
            {"number": pillar.number, "code": pillar.code, "name": pillar.name, "requirements": requirements}
        )
    return {
        "framework": {
            "code": framework.code,
            "title": framework.title,
            "edition": framework.edition,
            "publisher": framework.publisher,
            "published": framework.published,
        },
        "pillars": out_pillars,
        "documents": [
            {
                "key": d.key,
                "section": d.section,
                "organisation": d.organisation,
                "title": d.title,
                "year": d.year,
                "url": d.url,
                "availability": d.availability,
                "source_lines": d.source_lines,
                "note": d.note,
            }
            for d in framework.documents.order_by("position")
        ],
    }


def _item(item: Item) -> dict[str, Any]:
    node: dict[str, Any] = {"code": item.code, "text": item.text, "band": item.band}
    if item.kind == Item.Kind.OPERATIONAL_INDICATOR:
        node["answer_type"] = item.answer_type
    node["source_lines"] = item.source_lines
    return node
