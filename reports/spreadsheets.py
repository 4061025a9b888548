"""Spreadsheet exports (XLSX, written with openpyxl): one assessment, and the cross-country matrix.

Every piece of user text is written as a string cell, never as a formula: a narrative that
starts with "=" or "+" stays text in Excel and LibreOffice. Control characters XML cannot hold are
left out, so a text stored before the services removed them still exports.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from assessments.models import Answer, Assessment, Finding, OperationalData
from assessments.texts import remove_controls
from framework.models import Item, Pillar

from . import secretariat

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _cell(ws: WriteOnlyWorksheet, value: Any, *, header: bool = False) -> WriteOnlyCell:
    if value is None:
        value = ""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    cell = WriteOnlyCell(ws, value=value if number else remove_controls(str(value)))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text, even when it starts with "=": no formula from user input
    if header:
        cell.font = BOLD
    else:
        cell.alignment = WRAP
    return cell


def _sheet(
    wb: Workbook, title: str, headers: list[str], rows: Iterable[list[Any]], widths: list[int]
) -> None:
    # Excel's rules for a sheet's name: at most 31 characters, none of \ / ? * [ ] :
    ws = wb.create_sheet(title=re.sub(r"[\\/?*\[\]:]", "-", title)[:31])
    for n, width in enumerate(widths):
        ws.column_dimensions[chr(65 + n)].width = width
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, h, header=True) for h in headers])
    for row in rows:
        ws.append([_cell(ws, v) for v in row])


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def assessment_workbook(assessment: Assessment) -> bytes:
    """Answers (a sheet per pillar), operational data and findings of one assessment."""
    wb = Workbook(write_only=True)
    answers = (
        Answer.objects.filter(assessment=assessment)
        .select_related("item__requirement", "item__pillar", "assignee")
        .prefetch_related("evidence")
        .order_by("item__pillar__number", "item__requirement__position", "item__kind_order", "item__position")
    )
    findings = list(
        Finding.objects.filter(assessment=assessment)
        .select_related("requirement", "item")
        .prefetch_related("replies__author")
    )
    by_item: dict[str, list[str]] = {}
    for f in findings:
        by_item.setdefault(f.item.code if f.item else f.requirement.code, []).append(
            f"[{f.get_status_display()}] {f.text}"
        )
    kinds = dict(Item.Kind.choices)
    by_pillar: dict[int, list[list[Any]]] = {}
    names: dict[int, str] = {}
    for a in answers:
        names[a.item.pillar.number] = a.item.pillar.name
        refs = "; ".join(
            ", ".join(
                v for v in (r.get("instrument"), r.get("article"), r.get("adopted_on"), r.get("url")) if v
            )
            for r in a.legal_references
        )
        by_pillar.setdefault(a.item.pillar.number, []).append(
            [
                a.item.requirement.code,
                a.item.code,
                kinds[a.item.kind],
                a.item.text,
                a.get_status_display(),
                a.narrative,
                a.justification,
                refs,
                "; ".join(e.title for e in a.evidence.all()),
                (a.assignee.email or a.assignee.username) if a.assignee else "",
                _("yes") if a.carried_over else "",
                "\n".join(by_item.get(a.item.code, [])),
            ]
        )
    headers = [
        _("Requirement"),
        _("Code"),
        _("Column"),
        _("Framework text"),
        _("Status"),
        _("Narrative"),
        _("Justification"),
        _("Legal references"),
        _("Evidence"),
        _("Assigned to"),
        _("Carried over"),
        _("Review findings"),
    ]
    widths = [11, 12, 22, 60, 20, 60, 40, 40, 30, 25, 10, 50]
    for number in sorted(by_pillar):
        _sheet(wb, f"{number} {names[number]}".replace("/", "-"), headers, by_pillar[number], widths)
    data = (
        OperationalData.objects.filter(assessment=assessment)
        .select_related("indicator")
        .prefetch_related("breakdowns__category__dimension")
        .order_by(
            "indicator__pillar__number", "indicator__requirement__position", "indicator__position", "period"
        )
    )
    rows = []
    for d in data:
        value: Any = d.value_count if d.value_count is not None else ""
        if d.value_amount is not None:
            value = f"{d.value_amount} {d.currency}"
        elif d.value_bool is not None:
            value = _("yes") if d.value_bool else _("no")
        breakdown = "; ".join(
            f"{b.category.dimension.name}: {b.category.name} {b.value}" for b in d.breakdowns.all()
        )
        rows.append(
            [
                d.indicator.code,
                d.indicator.text,
                d.period,
                value,
                d.value_text,
                d.source,
                d.get_method_display(),
                d.not_collected_reason if d.not_collected else "",
                breakdown,
            ]
        )
    _sheet(
        wb,
        _("Operational data"),
        [
            _("Code"),
            _("Indicator"),
            _("Year"),
            _("Value"),
            _("Narrative"),
            _("Source"),
            _("Method"),
            _("Not collected because"),
            _("Breakdown"),
        ],
        rows,
        [12, 60, 8, 18, 40, 30, 12, 30, 50],
    )
    _sheet(
        wb,
        _("Review findings"),
        [_("Code"), _("Status"), _("Finding"), _("Reviewer's rating"), _("Replies")],
        [
            [
                f.item.code if f.item else f.requirement.code,
                f.get_status_display(),
                f.text,
                f.get_rating_display() if f.rating else "",
                "\n".join(f"{r.author.email or r.author.username}: {r.text}" for r in f.replies.all()),
            ]
            for f in findings
        ],
        [12, 10, 60, 20, 60],
    )
    return _bytes(wb)


def matrix_workbook(
    rows: list[Assessment], matrix: dict[int, dict[int, dict[str, float | None]]], pillars: list[Pillar]
) -> bytes:
    """Countries x pillars: share of minimum standards met, of measures in place and of items
    assessed, as percentages."""
    wb = Workbook(write_only=True)
    headers = [_("Country"), _("ISO code"), _("Region"), _("Cycle"), _("State")]
    for p in pillars:
        headers += [
            _("P%(n)s standards met (%%)") % {"n": p.number},
            _("P%(n)s measures in place (%%)") % {"n": p.number},
            _("P%(n)s assessed (%%)") % {"n": p.number},
        ]

    def pct(share: float | None) -> Any:
        return "" if share is None else round(share * 100)

    body = []
    for row in rows:
        line: list[Any] = [
            row.country.display_name,
            row.country.code,
            row.country.get_region_display(),
            row.cycle,
            row.get_state_display(),
        ]
        for p in pillars:
            cell = matrix.get(row.pk, {}).get(p.number, {})
            line += [pct(cell.get("standards")), pct(cell.get("measures")), pct(cell.get("coverage"))]
        body.append(line)
    _sheet(wb, _("Countries by pillar"), headers, body, [30, 8, 12, 8, 16] + [14] * (3 * len(pillars)))
    _sheet(
        wb,
        _("By region"),
        [
            _("Region"),
            _("Countries reporting"),
            _("Minimum standards met (median, %)"),
            _("Measures in place (median, %)"),
            _("Items assessed (median, %)"),
        ],
        [
            [r["label"], r["countries"], pct(r["standards"]), pct(r["measures"]), pct(r["coverage"])]
            for r in secretariat.regions(rows, matrix)
        ],
        [24, 12, 18, 18, 18],
    )
    return _bytes(wb)
