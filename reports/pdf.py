"""The gap-analysis PDF: a Django template rendered by WeasyPrint.

The renderer fetches nothing but the portal's own static files (fonts, styles), named with
the ``portalstatic:`` scheme: no network, no ``file:``, no uploaded media. Every piece of user
text reaches the HTML through Django's autoescaping, so it is text, never markup.
"""

from __future__ import annotations

import mimetypes
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from assessments.models import AnswerEvidence, Evidence, Finding, OperationalData

from . import charts
from .gap import gap_analysis, series

# A scheme of letters only: collectstatic's manifest storage leaves such absolute URLs in the
# stylesheet alone (a hyphen in the scheme made it try to hash "portal-static:fonts/..." and fail).
SCHEME = "portalstatic:"


class RefusedFetch(ValueError):
    """The PDF asked for something other than the portal's own static files."""


def static_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves the portal's static files and refuses the rest.

    Its ``refused`` list records every refused address (tests assert none was ever tried).
    """
    # WeasyPrint is imported where it is used: only the worker renders, and the import is slow.
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # WeasyPrint loads in the worker only

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=[], fail_on_errors=False)
            self.refused: list[str] = []

        def __call__(self, url: str, headers: Any = None) -> Any:
            return self.fetch(url, headers)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(SCHEME):
                name = url[len(SCHEME) :].lstrip("/")
                found = finders.find(name) if ".." not in Path(name).parts else None
                if found:
                    path = Path(str(found))
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})
            self.refused.append(url)
            raise RefusedFetch(f"the report may only use the portal's own static files, not {url[:200]}")

    return StaticOnlyFetcher()


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    refused: list[str]


def report_content(assessment: Any) -> dict[str, Any]:
    """What the report says, for the PDF and the Word document alike."""
    gap = gap_analysis(assessment)
    points = series(assessment)
    pillars: dict[int, dict[str, Any]] = {
        p["number"]: {**p, "requirements": [], "gaps": []} for p in gap["pillars"]
    }
    for r in gap["requirements"]:
        pillars[r["pillar"]]["requirements"].append(r)
    for g in gap["gaps"]:
        pillars[g["pillar"]]["gaps"].append(g)
    # The organisations that can help, once per requirement with a gap (not repeated per gap).
    titles = {r["code"]: r["title"] for r in gap["requirements"]}
    for p in pillars.values():
        seen: dict[str, dict[str, Any]] = {}
        for g in p["gaps"]:
            if g["agencies"] and g["requirement"] not in seen:
                seen[g["requirement"]] = {
                    "code": g["requirement"],
                    "title": titles.get(g["requirement"], ""),
                    "agencies": g["agencies"],
                }
        p["helpers"] = sorted(seen.values(), key=lambda h: list(titles).index(h["code"]))
    data = (
        OperationalData.objects.filter(assessment=assessment)
        .select_related("indicator")
        .prefetch_related("breakdowns__category__dimension")
        .order_by(
            "indicator__pillar__number", "indicator__requirement__position", "indicator__position", "period"
        )
    )
    findings = (
        Finding.objects.filter(assessment=assessment)
        .select_related("requirement", "item")
        .prefetch_related("replies__author")
    )
    evidence = list(Evidence.objects.filter(assessment=assessment).order_by("title"))
    # The annex says which items cite each document.
    cited: dict[int, list[str]] = defaultdict(list)
    for evidence_id, code in (
        AnswerEvidence.objects.filter(answer__assessment=assessment)
        .order_by(
            "answer__item__pillar__number", "answer__item__requirement__position", "answer__item__position"
        )
        .values_list("evidence_id", "answer__item__code")
    ):
        cited[evidence_id].append(code)
    for e in evidence:
        e.cited_by = cited.get(e.pk, [])  # type: ignore[attr-defined]
    # Data gaps grouped by requirement, in the Framework's order.
    data_gaps: dict[str, dict[str, Any]] = {}
    titles_by_code = {r["code"]: r["title"] for r in gap["requirements"]}
    for d in gap["data_gaps"]:
        group = data_gaps.setdefault(
            d["requirement"],
            {"code": d["requirement"], "title": titles_by_code.get(d["requirement"], ""), "items": []},
        )
        group["items"].append(d)
    return {
        "assessment": assessment,
        "country": assessment.country,
        "framework": assessment.framework,
        "gap": gap,
        "series_points": points,
        "pillars": list(pillars.values()),
        "data": data,
        "findings": findings,
        "evidence": evidence,
        "generated": timezone.now(),
        "data_gaps": list(data_gaps.values()),
        "issuer": settings.REPORT_ISSUER,
        "confidentiality": settings.REPORT_CONFIDENTIALITY,
    }


def report_html(assessment: Any) -> str:
    """The report's HTML (also used to measure WeasyPrint alone in the bench)."""
    content = report_content(assessment)
    gap, points = content["gap"], content["series_points"]
    return render_to_string(
        "reports/pdf/report.html",
        {
            **content,
            "footer_note": mark_safe(  # noqa: S308 - a CSS string, quoted by css_string
                css_string(
                    " · ".join(x for x in (settings.REPORT_ISSUER, settings.REPORT_CONFIDENTIALITY) if x)
                )
            ),
            # The drawing module escapes every label it writes.
            "bars": mark_safe(charts.pillar_bars(gap["pillars"])),  # noqa: S308
            "strip": mark_safe(charts.heat_strip(gap["requirements"], key="standards")),  # noqa: S308
            "series": mark_safe(charts.series_chart(points)) if len(points) > 1 else "",  # noqa: S308
            "static": SCHEME,
            "page_counter": mark_safe(page_counter()),  # noqa: S308 - CSS strings, quoted below
            "running_title": mark_safe(css_string(gettext("TIP Protocol self-assessment"))),  # noqa: S308
        },
    )


def page_counter() -> str:
    """The footer's "Page 3 of 9" in the report's language, as CSS ``content``: the translated
    words around the page counters, each quoted as a CSS string."""
    marked = gettext("Page %(page)s of %(pages)s") % {"page": "\x01", "pages": "\x02"}
    counters = {"\x01": "counter(page)", "\x02": "counter(pages)"}
    parts = []
    for piece in re.split("([\x01\x02])", marked):
        if piece in counters:
            parts.append(counters[piece])
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string or the style element."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


def render(html: str) -> Rendered:
    from weasyprint import HTML  # only the worker renders (see static_only_fetcher)

    fetcher = static_only_fetcher()
    document = HTML(string=html, base_url=SCHEME, url_fetcher=fetcher).render(pdf_tags=True)
    pdf = document.write_pdf(pdf_tags=True)
    return Rendered(pdf=pdf or b"", pages=len(document.pages), refused=fetcher.refused)


def render_report(assessment: Any) -> Rendered:
    return render(report_html(assessment))
