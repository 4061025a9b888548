"""Full-text search over the catalogue: requirements, items, resource citations and annex documents.

PostgreSQL ranks with its own full-text search (English stemming, ``websearch`` syntax, so a
quoted phrase is a phrase). Elsewhere (the embedded SQLite run) every word, or quoted phrase,
must occur in the text; results keep printed order. One query per kind of node either way.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Framework, Item, Requirement, ResourceCitation, ResourceDocument

MAX_RESULTS = 200
MAX_QUERY = 300
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw: str) -> tuple[str, str]:
    """A query as typed, with control characters (a NUL would break the database) made spaces.

    Returns the query and, for one longer than ``MAX_QUERY``, the message to show instead of results.
    """
    query = _CONTROLS.sub(" ", raw)
    if len(query) > MAX_QUERY:
        return query[:MAX_QUERY], str(
            _("Search for at most %(n)s characters: a few words or a phrase.") % {"n": MAX_QUERY}
        )
    return query, ""


@dataclass(frozen=True)
class Hit:
    code: str
    kind: str
    text: str
    url: str
    requirement_code: str = ""
    requirement_title: str = ""
    rank: float = 0.0


def terms(query: str) -> list[str]:
    """Words and quoted phrases of a query, as a user typed them."""
    try:
        parts = shlex.split(query)
    except ValueError:  # an unbalanced quote
        parts = query.replace('"', " ").split()
    return [p for p in (part.strip() for part in parts) if p][:12]


def _filter(qs: QuerySet, fields: list[str], query: str) -> QuerySet:
    if connection.vendor == "postgresql":
        vector = SearchVector(*fields, config="english")
        sq = SearchQuery(query, config="english", search_type="websearch")
        # Filter on the match itself: ts_rank gives non-matching rows a tiny positive rank.
        return (
            qs.annotate(search_document=vector, rank=SearchRank(vector, sq))
            .filter(search_document=sq)
            .order_by("-rank", *qs.query.order_by)
        )
    condition = Q()
    for term in terms(query):
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": term})
        condition &= any_field
    return qs.filter(condition)


def search(framework: Framework, query: str) -> list[Hit]:
    """Catalogue nodes matching ``query``, requirements first, then items, citations and documents."""
    query = re.sub(r"\s+", " ", query).strip()[:200]
    if not terms(query):
        return []
    fw_code = framework.code
    hits: list[Hit] = []

    def req_url(code: str) -> str:
        return reverse("framework:requirement", args=[fw_code, code])

    reqs = _filter(
        Requirement.objects.filter(framework=framework).order_by("pillar__number", "position"),
        ["title"],
        query,
    )
    for r in reqs[:MAX_RESULTS]:
        rank = getattr(r, "rank", 0)
        hits.append(
            Hit(r.code, str(_("Protocol requirement")), r.title, req_url(r.code), r.code, r.title, rank)
        )

    # Items and citations both sit in a requirement row; one query each, the row's code joined in.
    in_rows = [
        (Item.objects.order_by("kind_order", "position"), "text", lambda i: dict(Item.Kind.choices)[i.kind]),
        (ResourceCitation.objects.order_by("position"), "citation", lambda c: _("Resource")),
    ]
    for qs, field, label in in_rows:
        qs = qs.filter(framework=framework).annotate(
            req_code=F("requirement__code"), req_title=F("requirement__title")
        )
        qs = qs.order_by("pillar__number", "requirement__position", *qs.query.order_by)
        for node in _filter(qs, [field], query)[:MAX_RESULTS]:
            url = f"{req_url(node.req_code)}#{node.code}"
            text = getattr(node, field)
            hits.append(
                Hit(
                    node.code,
                    str(label(node)),
                    text,
                    url,
                    node.req_code,
                    node.req_title,
                    getattr(node, "rank", 0),
                )
            )

    library = reverse("framework:library", args=[fw_code])
    docs = _filter(
        ResourceDocument.objects.filter(framework=framework).order_by("position"),
        ["organisation", "title"],
        query,
    )
    for d in docs[:MAX_RESULTS]:
        text = f"{d.organisation}, {d.title}" if d.organisation else d.title
        hits.append(
            Hit(d.key, str(_("Annex document")), text, f"{library}#{d.key}", rank=getattr(d, "rank", 0))
        )
    return hits
