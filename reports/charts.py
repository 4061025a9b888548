"""Charts as SVG, drawn by the project itself: the same markup on the web page and in the PDF.

Pure functions: data in, SVG text out. Every label is escaped; nothing is fetched. In a
right-to-left language the drawings are mirrored (labels on the right, bars growing leftwards,
the first requirement on the right); the text in them is not. Each drawing is laid out left to
right (``direction="ltr"``), so "start" and "end" mean left and right whatever the page's
direction.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from portal.numbers import percent

STANDARDS = "#005a8f"
MEASURES = "#7e57c2"
GRID = "#d5dbe1"
INK = "#1b1f24"


def pillar_bars(pillars: Sequence[dict[str, Any]], *, width: int = 640) -> str:
    """Two horizontal bars per pillar: minimum standards met and measures in place (0-100%)."""
    label_w, bar_h, gap, row_h = 270, 14, 4, 46
    plot_w = width - label_w - 60
    rtl = get_language_bidi()

    def at(x: float) -> float:  # a distance from the start edge, as an x coordinate
        return width - x if rtl else x

    start = "end" if rtl else "start"
    title = _("Share of minimum standards met and of measures in place, by pillar")
    height = 30 + row_h * len(pillars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="Portal Sans, Noto Sans, system-ui, sans-serif" direction="ltr" '
        f'role="img" aria-labelledby="pb-title"><title id="pb-title">{escape(title)}</title>',
    ]
    for tick in range(0, 101, 25):
        x = at(label_w + plot_w * tick / 100)
        parts.append(
            f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - 4}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="14" font-size="10" text-anchor="middle" fill="{INK}">{percent(tick / 100)}</text>'
        )
    for n, p in enumerate(pillars):
        y = 26 + n * row_h
        name = escape(f"{p['number']}. {p['name']}")
        # The pillar's name is the Framework's English text.
        parts.append(
            f'<text x="{at(0):.1f}" y="{y + bar_h + 2}" font-size="12" fill="{INK}" text-anchor="{start}" '
            f'lang="en">{name}</text>'
        )
        if not p.get("enough_assessed", True):
            # No headline figure for a pillar too little assessed: its coverage instead.
            note = _("not enough assessed (%(coverage)s)") % {"coverage": percent(p.get("coverage"))}
            parts.append(
                f'<text x="{at(label_w + 4):.1f}" y="{y + bar_h + 2}" font-size="10" fill="{INK}" '
                f'text-anchor="{start}">{escape(note)}</text>'
            )
            continue
        for k, (key, colour) in enumerate((("standards", STANDARDS), ("measures", MEASURES))):
            value = p.get(key)
            by = y + k * (bar_h + gap)
            w = plot_w * (value or 0)
            left = at(label_w + w) if rtl else label_w
            parts.append(f'<rect x="{left:.1f}" y="{by}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>')
            parts.append(
                f'<text x="{at(label_w + w + 4):.1f}" y="{by + bar_h - 3}" font-size="10" fill="{INK}" '
                f'text-anchor="{start}">{percent(value)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _heat(value: float | None) -> str:
    if value is None:
        return "#eef1f4"
    # From red (0) through amber to green (1), all with dark text legible on top.
    stops = [(0.0, (198, 40, 40)), (0.5, (249, 168, 37)), (1.0, (46, 125, 50))]
    for (a, ca), (b, cb) in itertools.pairwise(stops):
        if value <= b:
            t = (value - a) / (b - a)
            rgb = tuple(round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True))
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#2e7d32"


def heat_strip(requirements: Sequence[dict[str, Any]], *, key: str = "standards", width: int = 640) -> str:
    """One cell per requirement, coloured by its share; grey where nothing counts."""
    n = max(len(requirements), 1)
    cell = width / n
    title = (
        _("Share per Protocol requirement (minimum standards met)")
        if key == "standards"
        else _("Share per Protocol requirement (measures in place)")
    )
    height = 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="Portal Sans, Noto Sans, system-ui, sans-serif" direction="ltr" '
        f'role="img" aria-labelledby="hs-title-{key}"><title id="hs-title-{key}">{escape(title)}</title>',
    ]
    rtl = get_language_bidi()
    for n_cell, r in enumerate(requirements):
        i = n - 1 - n_cell if rtl else n_cell
        value = r.get(key)
        label = escape(f"{r['code']} {r['title'][:80]}: {percent(value)}")
        parts.append(
            f'<rect x="{i * cell:.2f}" y="0" width="{max(cell - 1, 1):.2f}" height="22" fill="{_heat(value)}">'
            f'<title lang="en">{label}</title></rect>'
        )
        if cell >= 18:
            parts.append(
                f'<text x="{i * cell + cell / 2:.2f}" y="32" font-size="7" text-anchor="middle" fill="{INK}">'
                f"{escape(r['code'])}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


PILLAR_COLOURS = ("#005a8f", "#7e57c2", "#2e7d32", "#c62828", "#ef6c00")


def series_chart(points: Sequence[dict[str, Any]], *, width: int = 640) -> str:
    """Each pillar's share of minimum standards met over the country's cycles, one line per pillar
    (a pillar too little assessed in a cycle breaks its line there), with each cycle's coverage
    under its year and a legend."""
    rtl = get_language_bidi()
    left, right, top, plot_h = 50, 50, 16, 160  # room for a cycle's centred labels at both ends
    plot_w = width - left - right
    legend_y = top + plot_h + 52
    height = legend_y + 18 * ((len(points[0]["pillars"]) + 1) // 2 if points else 1) + 8
    n = len(points)

    def x(i: int) -> float:
        offset = left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)
        return width - offset if rtl else offset

    def y(share: float) -> float:
        return top + plot_h * (1 - share)

    title = _("Share of minimum standards met per pillar, by cycle")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="Portal Sans, Noto Sans, system-ui, sans-serif" direction="ltr" role="img" '
        f'aria-labelledby="series-title"><title id="series-title">{escape(title)}</title>'
    ]
    for tick in range(0, 101, 25):
        ty = y(tick / 100)
        x1, x2 = (width - left, width - left - plot_w) if rtl else (left, left + plot_w)
        parts.append(
            f'<line x1="{x1}" y1="{ty:.1f}" x2="{x2}" y2="{ty:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        label_x = width - left + 6 if rtl else left - 6
        anchor = "start" if rtl else "end"
        parts.append(
            f'<text x="{label_x}" y="{ty + 3:.1f}" font-size="9" text-anchor="{anchor}" fill="{INK}">'
            f"{percent(tick / 100)}</text>"
        )
    for i, point in enumerate(points):
        coverage = _("%(coverage)s assessed") % {"coverage": percent(point["overall"].get("coverage"))}
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" font-size="11" text-anchor="middle" fill="{INK}">'
            f'{point["cycle"]}</text><text x="{x(i):.1f}" y="{top + plot_h + 30}" font-size="9" '
            f'text-anchor="middle" fill="{INK}" direction="{"rtl" if rtl else "ltr"}">{escape(coverage)}</text>'
        )
    pillars = points[0]["pillars"] if points else []
    for k, pillar in enumerate(pillars):
        colour = PILLAR_COLOURS[k % len(PILLAR_COLOURS)]
        run: list[str] = []
        runs = []
        for i, point in enumerate(points):
            row = next((p for p in point["pillars"] if p["number"] == pillar["number"]), None)
            share = row.get("standards") if row and row.get("enough_assessed") else None
            if share is None:
                runs.append(run)
                run = []
                continue
            run.append(f"{x(i):.1f},{y(share):.1f}")
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(share):.1f}" r="3" fill="{colour}"/>')
        runs.append(run)
        for r in runs:
            if len(r) > 1:
                parts.append(
                    f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
        lx = (k % 2) * (width / 2)
        lx = width - lx - 14 if rtl else lx
        ly = legend_y + 18 * (k // 2)
        name = escape(f"{pillar['number']}. {pillar['name']}")
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
        text_x = lx - 4 if rtl else lx + 14
        parts.append(
            f'<text x="{text_x:.1f}" y="{ly}" font-size="11" fill="{INK}" text-anchor="{"end" if rtl else "start"}" '
            f'lang="en">{name}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
