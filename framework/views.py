"""The public framework browser: no login, read-only, every page a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .models import (
    Agency,
    Framework,
    GuidingPrinciple,
    Item,
    Pillar,
    Requirement,
    ResourceCitation,
    ResourceDocument,
)
from .search import clean_query
from .search import search as search_catalogue
from .themes import organisations_for

COLUMNS = [
    ("objectives", Item.Kind.OBJECTIVE),
    ("framework_indicators", Item.Kind.FRAMEWORK_INDICATOR),
    ("implementation_measures", Item.Kind.IMPLEMENTATION_MEASURE),
    ("operational_indicators", Item.Kind.OPERATIONAL_INDICATOR),
]


COLUMN_OF_KIND: dict[str, str] = {str(kind): key for key, kind in COLUMNS}


def _framework(code: str) -> Framework:
    return get_object_or_404(Framework, code=code)


def index(request: HttpRequest) -> HttpResponse:
    framework = Framework.objects.current()
    if framework is None:
        raise Http404("No framework is loaded.")
    return redirect(framework)


def overview(request: HttpRequest, fw: str) -> HttpResponse:
    framework = _framework(fw)
    pillars = Pillar.objects.filter(framework=framework).select_related("framework").with_counts()
    return render(
        request,
        "framework/overview.html",
        {
            "framework": framework,
            "pillars": pillars,
            "principles": GuidingPrinciple.objects.all(),
            "frameworks": Framework.objects.all(),
        },
    )


def pillar_detail(request: HttpRequest, fw: str, number: int) -> HttpResponse:
    framework = _framework(fw)
    pillar = get_object_or_404(Pillar.objects.select_related("framework"), framework=framework, number=number)
    requirements = pillar.requirements.with_counts().order_by("position")
    # The organisations whose mandate covers one of the pillar's requirements (by their themes).
    offered = organisations_for(
        {r.code: {"pillar": pillar.number, "themes": r.themes} for r in requirements},
        list(Agency.objects.all()),
    )
    codes = {o["code"] for found in offered.values() for o in found}
    agencies = [a for a in Agency.objects.all() if a.code in codes]
    siblings = Pillar.objects.filter(framework=framework).only("number", "name", "framework_id")
    return render(
        request,
        "framework/pillar.html",
        {
            "framework": framework,
            "pillar": pillar,
            "requirements": requirements,
            "agencies": agencies,
            "pillars": siblings,
        },
    )


def requirement_detail(request: HttpRequest, fw: str, code: str) -> HttpResponse:
    framework = _framework(fw)
    requirement = get_object_or_404(Requirement.objects.with_detail(), framework=framework, code=code)
    return render(
        request,
        "framework/requirement.html",
        {
            "framework": framework,
            "requirement": requirement,
            "pillar": requirement.pillar,
            "bands": requirement_bands(requirement),
            "neighbours": Requirement.objects.filter(pillar=requirement.pillar)
            .only("code", "title")
            .order_by("position"),
        },
    )


def requirement_bands(requirement: Requirement) -> list[dict[str, list]]:
    """The requirement's cells grouped by sub-row, each with its five columns in printed order."""
    bands: dict[int, dict[str, list]] = {}
    for item in requirement.items.all():
        band = bands.setdefault(item.band, {key: [] for key, _ in COLUMNS} | {"resources": []})
        band[COLUMN_OF_KIND[item.kind]].append(item)
    for citation in requirement.resources.all():
        band = bands.setdefault(citation.band, {key: [] for key, _ in COLUMNS} | {"resources": []})
        band["resources"].append(citation)
    return [bands[n] for n in sorted(bands)]


def item_detail(request: HttpRequest, fw: str, code: str) -> HttpResponse:
    """An item's stable address: its place on the requirement page."""
    framework = _framework(fw)
    item = get_object_or_404(Item.objects.select_related("requirement"), framework=framework, code=code)
    return redirect(f"{item.requirement.get_absolute_url()}#{item.code}")


def library(request: HttpRequest, fw: str) -> HttpResponse:
    framework = _framework(fw)
    documents = (
        ResourceDocument.objects.filter(framework=framework)
        .annotate(citation_count=Count("citations"))
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=ResourceCitation.objects.select_related("requirement").order_by("pk"),
                to_attr="cited_by",
            )
        )
    )
    sections = [
        (label, [d for d in documents if d.section == value])
        for value, label in ResourceDocument.Section.choices
    ]
    unlinked = framework.citations.filter(document__isnull=True).select_related("requirement")
    return render(
        request,
        "framework/library.html",
        {"framework": framework, "sections": sections, "unlinked": unlinked},
    )


def search(request: HttpRequest, fw: str) -> HttpResponse:
    framework = _framework(fw)
    query, problem = clean_query(request.GET.get("q", ""))
    hits = search_catalogue(framework, query) if query.strip() and not problem else []
    template = (
        "framework/_search_results.html" if getattr(request, "htmx", False) else "framework/search.html"
    )
    return render(
        request, template, {"framework": framework, "query": query, "hits": hits, "problem": problem}
    )
