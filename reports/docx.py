"""The gap analysis report as an editable Word document (python-docx), for ministries that revise a
report before tabling it. Same content and sections as the PDF (``pdf.report_content``), written in
the current language; right to left in Arabic. Produced by the same report jobs."""

from __future__ import annotations

import io
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.translation import get_language_bidi, gettext, pgettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from assessments.templatetags.review import change_label, citations, file_kind, status_label
from portal.numbers import percent

from .pdf import report_content

INK = RGBColor(0x1B, 0x1F, 0x24)
MUTED = RGBColor(0x55, 0x5F, 0x6B)


class Writer:
    """A document being written, right to left when the language is."""

    def __init__(self) -> None:
        self.doc = Document()
        self.rtl = get_language_bidi()
        normal = self.doc.styles["Normal"]
        normal.font.name = "Noto Sans"
        normal.font.size = Pt(10)

    def _direction(self, paragraph: Paragraph) -> Paragraph:
        if self.rtl:
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
            for run in paragraph.runs:
                run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
        return paragraph

    def heading(self, text: str, level: int = 1) -> Paragraph:
        return self._direction(self.doc.add_heading(text, level=level))

    def para(self, *parts: str | tuple[str, str], muted: bool = False) -> Paragraph:
        """A paragraph of plain pieces, or (text, "bold") pieces."""
        paragraph = self.doc.add_paragraph()
        for part in parts:
            text, style = part if isinstance(part, tuple) else (part, "")
            run = paragraph.add_run(text)
            run.bold = style == "bold"
            if muted:
                run.font.color.rgb = MUTED
        return self._direction(paragraph)

    def link(self, paragraph: Paragraph, text: str, url: str) -> None:
        """A clickable, titled link (python-docx has no helper for it)."""
        rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        colour = OxmlElement("w:color")
        colour.set(qn("w:val"), "005A8F")
        props.append(colour)
        props.append(underline)
        run.append(props)
        text_element = OxmlElement("w:t")
        text_element.text = text
        text_element.set(qn("xml:space"), "preserve")
        run.append(text_element)
        hyperlink.append(run)
        paragraph._p.append(hyperlink)

    def table(self, headers: list[str] | None, rows: list[list[str]], *, wide_first: bool = True) -> Table:
        """A table; its first column (a requirement, an indicator, a title) gets the room."""
        columns = len(headers) if headers else len(rows[0])
        table = self.doc.add_table(rows=1 if headers else 0, cols=columns)
        table.style = "Table Grid"
        table.autofit = False
        if headers:
            for cell, text in zip(table.rows[0].cells, headers, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
        first = Cm(8 if wide_first and columns > 2 else 16 / columns)
        rest = Cm((16 - first.cm) / (columns - 1)) if columns > 1 else first
        for n, column in enumerate(table.columns):  # the grid, which LibreOffice reads
            column.width = first if n == 0 else rest
        for row in table.rows:  # and each cell, which Word reads
            for n, cell in enumerate(row.cells):
                cell.width = first if n == 0 else rest
        if self.rtl:
            table._tbl.tblPr.append(OxmlElement("w:bidiVisual"))
        return table

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _coverage(w: Writer, part: dict[str, Any], threshold: float) -> None:
    if not part.get("assessed"):
        w.para(gettext("Nothing has been assessed yet."))
    elif part.get("enough_assessed"):
        w.para(
            gettext("Assessed: %(coverage)s of the items (%(assessed)s of %(assessable)s).")
            % {
                "coverage": percent(part["coverage"]),
                "assessed": part["assessed"],
                "assessable": part["assessable"],
            },
            muted=True,
        )
    else:
        w.para(
            (gettext("Not enough assessed"), "bold"),
            ": "
            + gettext(
                "only %(coverage)s of the items are assessed (%(assessed)s of %(assessable)s); a score is "
                "shown from %(threshold)s."
            )
            % {
                "coverage": percent(part["coverage"]),
                "assessed": part["assessed"],
                "assessable": part["assessable"],
                "threshold": percent(threshold),
            },
        )
        if part.get("standards") is not None or part.get("measures") is not None:
            w.para(
                gettext(
                    "Among the items assessed so far: %(standards)s of minimum standards met, %(measures)s of "
                    "measures in place."
                )
                % {"standards": percent(part.get("standards")), "measures": percent(part.get("measures"))},
                muted=True,
            )


def render_report(assessment: Any) -> bytes:
    """The report of ``assessment`` as a .docx file, in the current language."""
    c = report_content(assessment)
    gap, country, threshold = c["gap"], c["country"], c["gap"]["coverage_threshold"]
    w = Writer()
    core = w.doc.core_properties
    core.title = gettext("Gap analysis: %(country)s, %(cycle)s") % {
        "country": country.display_name,
        "cycle": assessment.cycle,
    }
    core.author = c["issuer"] or "TIP Protocol self-assessment portal"

    # The cover.
    if c["confidentiality"]:
        w.para((c["confidentiality"].upper(), "bold"))
    w.para(gettext("National self-assessment · UN Trafficking in Persons Protocol"), muted=True)
    w.heading(country.display_name, 0)
    w.heading(gettext("Gap analysis, %(cycle)s") % {"cycle": assessment.cycle}, 1)
    meta = [
        [gettext("State"), assessment.get_state_display()],
        [gettext("Framework"), f"{c['framework'].title} ({c['framework'].edition})"],
    ]
    if c["issuer"]:
        meta.append([gettext("Issued by"), c["issuer"]])
    meta.append([gettext("Produced"), date_format(c["generated"], "DATETIME_FORMAT")])
    w.table(None, meta, wide_first=False)

    # The summary.
    w.heading(gettext("Executive summary"), 1)
    overall = gap["overall"]
    if overall.get("enough_assessed"):
        w.para(
            (percent(overall["standards"]), "bold"),
            " " + gettext("of minimum standards met") + " · ",
            (percent(overall["measures"]), "bold"),
            " " + gettext("of implementation measures in place"),
        )
    _coverage(w, overall, threshold)
    w.para(
        gettext(
            "Minimum standards score 1 when met, ½ when partially met; measures 1 when in place or when an "
            "alternative is in place, ½ when partially in place. Not applicable items are left out, items not "
            "yet assessed are counted apart, and every pillar weighs the same."
        ),
        muted=True,
    )
    w.heading(gettext("By pillar"), 2)
    w.table(
        [gettext("Pillar"), gettext("Standards met"), gettext("Measures in place"), gettext("Assessed")],
        [
            [
                f"{p['number']}. {p['name']}",
                percent(p["standards"]) if p.get("enough_assessed") else gettext("Not enough assessed"),
                percent(p["measures"]) if p.get("enough_assessed") else "—",
                percent(p["coverage"]),
            ]
            for p in gap["pillars"]
        ],
    )
    if len(c["series_points"]) > 1:
        w.heading(gettext("Over the cycles"), 2)
        w.table(
            [gettext("Cycle"), *[f"{p['number']}." for p in gap["pillars"]], gettext("Assessed")],
            [
                [
                    str(point["cycle"]),
                    *[percent(p["standards"]) if p.get("enough_assessed") else "—" for p in point["pillars"]],
                    percent(point["overall"].get("coverage")),
                ]
                for point in c["series_points"]
            ],
        )
    if gap["changes"]:
        w.heading(gettext("Change since the previous cycle"), 2)
        w.table(
            [
                gettext("Item"),
                pgettext("column: how a status moved since the previous cycle", "Change"),
                gettext("Before"),
                gettext("Now"),
            ],
            [
                [
                    ch["code"],
                    change_label(ch["change"]),
                    status_label(ch["before"]) or "—",
                    status_label(ch["after"]),
                ]
                for ch in gap["changes"]
            ],
        )

    # A section per pillar.
    for p in c["pillars"]:
        w.heading(f"{p['number']}. {p['name']}", 1)
        if p.get("enough_assessed"):
            w.para(
                gettext("%(s)s of minimum standards met, %(m)s of measures in place.")
                % {"s": percent(p["standards"]), "m": percent(p["measures"])}
            )
        _coverage(w, p, threshold)
        w.table(
            [
                gettext("Requirement"),
                gettext("Standards met"),
                gettext("Measures in place"),
                gettext("Assessed"),
            ],
            [
                [
                    f"{r['code']} {r['title']}",
                    percent(r["standards"]),
                    percent(r["measures"]),
                    f"{percent(r['coverage'])} ({r['assessed']}/{r['assessable']})",
                ]
                for r in p["requirements"]
            ],
        )
        if p["gaps"]:
            w.heading(gettext("Gaps, most important first"), 2)
            for g in p["gaps"]:
                w.para((g["code"], "bold"), " " + g["text"] + " ", f"({status_label(g['status'])})")
                if g["narrative"]:
                    w.para((gettext("The country's narrative:"), "bold"), " " + g["narrative"])
                if g["legal_references"]:
                    w.para((gettext("Legal references:"), "bold"), " " + citations(g["legal_references"]))
                if g["measures"]:
                    w.para(
                        (gettext("Recommended measures not yet in place:"), "bold"),
                        " " + "; ".join(f"{m['code']} {m['text']}" for m in g["measures"]),
                    )
                if g["resources"]:
                    line = w.para((gettext("Resources:"), "bold"), " ")
                    for n, r in enumerate(g["resources"]):
                        if r["url"]:
                            w.link(line, r["citation"], r["url"])
                        else:
                            line.add_run(r["citation"])
                        if n < len(g["resources"]) - 1:
                            line.add_run("; ")
            if p["helpers"]:
                w.heading(gettext("Organisations whose mandate covers these requirements"), 2)
                w.table(
                    [gettext("Requirement"), gettext("Organisations")],
                    [
                        [
                            f"{h['code']} {h['title']}",
                            "; ".join(
                                f"{a['name']} ({a['code']})"
                                + (
                                    " — " + gettext("today %(name)s") % {"name": a["current_name"]}
                                    if a["current_name"]
                                    else ""
                                )
                                for a in h["agencies"]
                            ),
                        ]
                        for h in p["helpers"]
                    ],
                )
        elif p.get("assessed"):
            w.para(gettext("No gap among the items assessed."))

    # Data, needs, measures, findings, evidence.
    w.heading(gettext("Operational data"), 1)
    data = list(c["data"])
    if data:
        w.table(
            [gettext("Indicator"), gettext("Year"), gettext("Value"), gettext("Source")],
            [[f"{d.indicator.code} {d.indicator.text}", str(d.period), _value(d), d.source] for d in data],
        )
    else:
        w.para(gettext("No operational data recorded."))
    if c["data_gaps"]:
        w.heading(gettext("Data gaps"), 2)
        for group in c["data_gaps"]:
            w.para((f"{group['code']} {group['title']}", "bold"))
            for d in group["items"]:
                w.para(f"{d['code']} {d['text']} — {_data_gap(d)}")
    w.heading(gettext("Technical assistance needs"), 1)
    if gap["ta_needs"]:
        w.table(
            [
                gettext("Requirement"),
                gettext("Area"),
                gettext("Priority"),
                gettext("Need"),
                gettext("Status"),
            ],
            [
                [n["requirement"], n["area"], n["priority"], n["description"], n["status"]]
                for n in gap["ta_needs"]
            ],
        )
    else:
        w.para(gettext("None recorded."))
    w.heading(gettext("National measures"), 1)
    if gap["national_measures"]:
        w.table(
            [gettext("Requirement"), gettext("Measure"), gettext("Responsible body"), gettext("Status")],
            [
                [m["requirement"], m["title"], m["responsible_body"], m["status"]]
                for m in gap["national_measures"]
            ],
        )
    else:
        w.para(gettext("None recorded."))
    w.heading(gettext("Review findings"), 1)
    findings = list(c["findings"])
    for f in findings:
        code = f.item.code if f.item_id else f.requirement.code
        w.para((code, "bold"), f" [{f.get_status_display()}] ", f.text)
        for reply in f.replies.all():
            w.para("↳ " + reply.text, muted=True)
    if not findings:
        w.para(gettext("No findings."))
    w.heading(gettext("Annex: evidence"), 1)
    if c["evidence"]:
        w.table(
            [gettext("Title"), gettext("Cited by"), gettext("Type"), "SHA-256 / " + gettext("address")],
            [
                [
                    e.title,
                    ", ".join(e.cited_by) or gettext("no item"),
                    f"{file_kind(e.content_type)}, {filesizeformat(e.size)}"
                    if e.kind == "file"
                    else gettext("link"),
                    e.sha256 if e.kind == "file" else e.url,
                ]
                for e in c["evidence"]
            ],
        )
    else:
        w.para(gettext("The evidence library is empty."))
    return w.bytes()


def _value(d: Any) -> str:
    if d.not_collected:
        return gettext("not collected")
    if d.value_count is not None:
        return str(d.value_count)
    if d.value_amount is not None:
        return f"{d.value_amount} {d.currency}"
    if d.value_bool is not None:
        return gettext("yes") if d.value_bool else gettext("no")
    return d.value_text or ""


def _data_gap(d: dict[str, Any]) -> str:
    if d["reason"] == "no_data":
        return gettext("no data")
    if d["reason"] == "not_recent":
        return gettext("Latest data from %(y)s") % {"y": d["latest"]}
    return gettext("no breakdown")
