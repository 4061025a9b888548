"""Gap analysis: what is missing in a country's implementation, and what would close it.

One computation feeds the web page, the PDF, the API and the dashboard. ``load`` reads an
assessment in a fixed number of queries; ``analyse`` is pure (data in, data out).

How scores are computed
-----------------------
(The public page ``templates/reports/how_scores.html`` says the same in each language; change
both together.)

* Each framework indicator (minimum standard) scores 1 when met, 0.5 when partially met and
  0 when not met. Each implementation measure scores 1 when in place or when an alternative
  measure is in place, 0.5 when partially in place, and 0 when planned or not in place.
* "Not applicable" items are left out entirely. Items "not yet assessed" are left out of the
  shares and counted apart, so an unfinished assessment does not look worse than it is.
* A requirement's *standards* share is the mean score of its assessed framework indicators;
  its *measures* share the mean of its assessed implementation measures.
* A pillar's shares are the means over all its assessed items (overview rows included).
* The overall shares are the mean of the five pillars' shares: every pillar weighs the same,
  whatever its number of items. A pillar with nothing assessed is left out of the mean.
* A part's *coverage* is its share of items assessed ("not applicable" counts as assessed). Below
  ``GAP_COVERAGE_THRESHOLD`` (50% by default) a pillar's or the overall score is shown as "not
  enough assessed" rather than as a figure; every score is shown with its coverage.
* A *gap* is an assessed item scoring below 1. Its weight is (1 - score) x 2 for a minimum
  standard and (1 - score) x 1 for a measure, so unmet minimum standards come first; ties keep
  the Framework's order.
* A *data gap* is an operational indicator of the assessment with no value at all, whose
  latest value is older than two years before the cycle, or which is a count without a
  breakdown.
* Change since the previous cycle compares each item with the country's latest accepted
  assessment of an earlier cycle on the same Framework edition; without one there is no comparison.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from assessments.models import (
    INDICATOR_CREDIT,
    MEASURE_CREDIT,
    Answer,
    Assessment,
    NationalMeasure,
    OperationalData,
    TechnicalAssistanceNeed,
)
from framework.models import Agency, Item, Pillar, Requirement, ResourceCitation
from framework.themes import organisations_for

NOT_APPLICABLE = "not_applicable"
NOT_ASSESSED = "not_assessed"
FI, IM, OI = "framework_indicator", "implementation_measure", "operational_indicator"
STANDARD_WEIGHT, MEASURE_WEIGHT = 2.0, 1.0
RECENT_YEARS = 2


@dataclass(frozen=True)
class ItemInput:
    code: str
    kind: str
    text: str
    requirement: str
    pillar: int
    order: int
    status: str = NOT_ASSESSED  # for FI and IM
    answer_type: str = ""  # for OI
    narrative: str = ""  # the country's own words (FI and IM)
    legal_references: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class Inputs:
    """Everything the analysis needs, already read from the database."""

    cycle: int
    pillars: dict[int, str]
    requirements: dict[str, dict[str, Any]]  # code -> {title, pillar, articles, order}
    items: list[ItemInput]
    data: dict[str, dict[str, Any]] = field(default_factory=dict)  # OI code -> {latest, broken_down}
    resources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # requirement -> citations
    agencies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # requirement -> organisations
    previous: dict[str, str] | None = None  # item code -> status in the baseline (latest accepted cycle)
    ta_needs: list[dict[str, Any]] = field(default_factory=list)
    national_measures: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Share:
    score: float = 0.0
    counted: int = 0

    def add(self, value: float) -> None:
        self.score += value
        self.counted += 1

    @property
    def value(self) -> float | None:
        return self.score / self.counted if self.counted else None


@dataclass
class Scores:
    standards: Share = field(default_factory=Share)
    measures: Share = field(default_factory=Share)
    not_assessed: int = 0
    not_applicable: int = 0

    @property
    def assessable(self) -> int:
        return self.standards.counted + self.measures.counted + self.not_assessed + self.not_applicable

    def as_dict(self) -> dict[str, Any]:
        return {
            "standards": self.standards.value,
            "measures": self.measures.value,
            "standards_counted": self.standards.counted,
            "measures_counted": self.measures.counted,
            "not_assessed": self.not_assessed,
            "not_applicable": self.not_applicable,
            **coverage(self.assessable - self.not_assessed, self.assessable),
        }


def coverage(assessed: int, assessable: int) -> dict[str, Any]:
    """How much of a part is assessed ("not applicable" is an assessment too), and whether that is
    enough for its score to be a headline figure (``GAP_COVERAGE_THRESHOLD``)."""
    share = assessed / assessable if assessable else None
    return {
        "assessed": assessed,
        "assessable": assessable,
        "coverage": share,
        "enough_assessed": share is not None and share >= settings.GAP_COVERAGE_THRESHOLD,
    }


def score(item: ItemInput) -> float | None:
    """The item's score, or None when it does not count (not applicable, not assessed)."""
    table = INDICATOR_CREDIT if item.kind == FI else MEASURE_CREDIT  # shared with the secretariat's matrix
    return table.get(item.status)


def analyse(inputs: Inputs) -> dict[str, Any]:
    """The gap analysis of one assessment, as plain data (see the module's scoring rules)."""
    by_requirement: dict[str, Scores] = defaultdict(Scores)
    by_pillar: dict[int, Scores] = defaultdict(Scores)
    gaps = []
    measures_open: dict[str, list[ItemInput]] = defaultdict(list)
    assessed = [i for i in inputs.items if i.kind in (FI, IM)]
    for item in assessed:
        value = score(item)
        for bucket in (by_requirement[item.requirement], by_pillar[item.pillar]):
            if item.status == NOT_APPLICABLE:
                bucket.not_applicable += 1
            elif value is None:
                bucket.not_assessed += 1
            else:
                (bucket.standards if item.kind == FI else bucket.measures).add(value)
        if item.kind == IM and value is not None and value < 1:
            measures_open[item.requirement].append(item)
    for item in assessed:
        value = score(item)
        if value is None or value >= 1:
            continue
        weight = (1 - value) * (STANDARD_WEIGHT if item.kind == FI else MEASURE_WEIGHT)
        requirement = inputs.requirements[item.requirement]
        gaps.append(
            {
                "code": item.code,
                "kind": item.kind,
                "text": item.text,
                "status": item.status,
                "narrative": item.narrative,
                "legal_references": list(item.legal_references),
                "weight": weight,
                "order": item.order,
                "requirement": item.requirement,
                "requirement_title": requirement["title"],
                "pillar": item.pillar,
                "measures": [
                    {"code": m.code, "text": m.text, "status": m.status}
                    for m in measures_open.get(item.requirement, [])
                    if m.code != item.code
                ],
                "resources": inputs.resources.get(item.requirement, []),
                "agencies": inputs.agencies.get(item.requirement, []),
            }
        )
    gaps.sort(key=lambda g: (-g["weight"], g["order"]))
    for g in gaps:
        del g["order"]

    pillar_rows = []
    for number, name in sorted(inputs.pillars.items()):
        scores = by_pillar.get(number, Scores())
        pillar_rows.append({"number": number, "name": name, **scores.as_dict()})
    overall = {
        kind: _mean([p[kind] for p in pillar_rows if p[kind] is not None])
        for kind in ("standards", "measures")
    }
    overall["not_assessed"] = sum(p["not_assessed"] for p in pillar_rows)
    overall.update(
        coverage(sum(p["assessed"] for p in pillar_rows), sum(p["assessable"] for p in pillar_rows))
    )
    requirement_rows = [
        {
            "code": code,
            "title": r["title"],
            "pillar": r["pillar"],
            **by_requirement.get(code, Scores()).as_dict(),
        }
        for code, r in sorted(inputs.requirements.items(), key=lambda kv: kv[1]["order"])
    ]
    return {
        "coverage_threshold": settings.GAP_COVERAGE_THRESHOLD,
        "overall": overall,
        "pillars": pillar_rows,
        "requirements": requirement_rows,
        "gaps": gaps,
        "data_gaps": data_gaps(inputs),
        "changes": changes(inputs),
        "ta_needs": inputs.ta_needs,
        "national_measures": inputs.national_measures,
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def data_gaps(inputs: Inputs) -> list[dict[str, Any]]:
    out = []
    for item in inputs.items:
        if item.kind != OI:
            continue
        info = inputs.data.get(item.code)
        reason = ""
        if info is None or info.get("latest") is None:
            reason = "no_data"
        elif info["latest"] < inputs.cycle - RECENT_YEARS:
            reason = "not_recent"
        elif item.answer_type == "count" and not info.get("broken_down"):
            reason = "no_breakdown"
        if reason:
            out.append(
                {
                    "code": item.code,
                    "text": item.text,
                    "requirement": item.requirement,
                    "pillar": item.pillar,
                    "reason": reason,
                    "latest": (info or {}).get("latest"),
                }
            )
    return out


def changes(inputs: Inputs) -> list[dict[str, Any]] | None:
    """Item by item against the baseline (the latest accepted earlier cycle): improved, regressed
    or new; None without one."""
    if inputs.previous is None:
        return None
    out = []
    for item in inputs.items:
        if item.kind not in (FI, IM):
            continue
        now = score(item)
        before_status = inputs.previous.get(item.code)
        if (
            before_status is None
            or score(ItemInput(item.code, item.kind, "", "", 0, 0, before_status)) is None
        ):
            if now is not None:
                out.append(
                    {
                        "code": item.code,
                        "text": item.text,
                        "change": "new",
                        "before": before_status,
                        "after": item.status,
                    }
                )
            continue
        before = score(ItemInput(item.code, item.kind, "", "", 0, 0, before_status))
        if now is None or before is None or now == before:
            continue
        out.append(
            {
                "code": item.code,
                "text": item.text,
                "change": "improved" if now > before else "regressed",
                "before": before_status,
                "after": item.status,
            }
        )
    return out


def load(assessment: Any) -> Inputs:
    """Read what ``analyse`` needs for ``assessment`` in a fixed number of queries."""
    fw = assessment.framework_id
    pillars = dict(Pillar.objects.filter(framework_id=fw).values_list("number", "name"))
    requirements = {
        r["code"]: {
            "title": r["title"],
            "pillar": r["pillar__number"],
            "articles": r["articles"],
            "themes": r["themes"],
            "order": n,
        }
        for n, r in enumerate(
            Requirement.objects.filter(framework_id=fw)
            .order_by("pillar__number", "position")
            .values("code", "title", "pillar__number", "articles", "themes")
        )
    }
    answers: dict[str, dict[str, Any]] = {
        a["item__code"]: dict(a)
        for a in Answer.objects.filter(assessment=assessment).values(
            "item__code", "status", "narrative", "legal_references"
        )
    }
    items = [
        ItemInput(
            code=i["code"],
            kind=i["kind"],
            text=i["text"],
            requirement=i["requirement__code"],
            pillar=i["pillar__number"],
            order=n,
            status=answers.get(i["code"], {}).get("status", NOT_ASSESSED),
            answer_type=i["answer_type"],
            narrative=answers.get(i["code"], {}).get("narrative", ""),
            legal_references=tuple(answers.get(i["code"], {}).get("legal_references") or ()),
        )
        for n, i in enumerate(
            Item.objects.filter(framework_id=fw, kind__in=(FI, IM, OI))
            .order_by("pillar__number", "requirement__position", "kind_order", "position")
            .values("code", "kind", "text", "requirement__code", "pillar__number", "answer_type")
        )
    ]
    data = {
        d["indicator__code"]: {"latest": d["latest"], "broken_down": d["parts"] > 0}
        for d in OperationalData.objects.filter(assessment=assessment, not_collected=False)
        .values("indicator__code")
        .annotate(latest=Max("period"), parts=Count("breakdowns"))
    }
    resources: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in (
        ResourceCitation.objects.filter(framework_id=fw)
        .select_related("document", "requirement")
        .order_by("position")
    ):
        doc = c.document
        resources[c.requirement.code].append(
            {
                "code": c.code,
                "citation": c.citation,
                "url": doc.href if doc else "",
                "title": doc.title if doc else "",
            }
        )
    agencies = organisations_for(requirements, list(Agency.objects.all()))
    # The baseline, never the "prefilled from" draft. Every assessment has a row per assessed
    # item, so no rows means no baseline (one query either way).
    previous = (
        dict(
            Answer.objects.filter(assessment__in=Assessment.objects.baseline_of(assessment)).values_list(
                "item__code", "status"
            )
        )
        or None
    )
    ta_needs = [
        {
            "requirement": n.requirement.code,
            "item": n.item.code if n.item else "",
            "area": n.area.name,
            "priority": n.get_priority_display(),
            "description": n.description,
            "status": n.get_status_display(),
        }
        for n in TechnicalAssistanceNeed.objects.filter(assessment=assessment).select_related(
            "requirement", "item", "area"
        )
    ]
    national_measures = [
        {
            "requirement": m.requirement.code,
            "title": m.title,
            "description": m.description,
            "responsible_body": m.responsible_body,
            "timeline": m.timeline,
            "budget": f"{m.budget} {m.currency}" if m.budget is not None else "",
            "status": m.get_status_display(),
        }
        for m in NationalMeasure.objects.filter(assessment=assessment).select_related("requirement")
    ]
    return Inputs(
        cycle=assessment.cycle,
        pillars=pillars,
        requirements=requirements,
        items=items,
        data=data,
        resources=dict(resources),
        agencies=dict(agencies),
        previous=previous,
        ta_needs=ta_needs,
        national_measures=national_measures,
    )


def gap_analysis(assessment: Any) -> dict[str, Any]:
    """The gap analysis of ``assessment``: ``analyse(load(assessment))``."""
    return analyse(load(assessment))


def series(assessment: Any) -> list[dict[str, Any]]:
    """Pillar and overall scores with their coverage for each cycle of ``assessment``'s country
    (its accepted earlier cycles on the same edition, then this one), oldest first. One gap
    analysis per cycle: a country has a handful."""
    out = []
    for a in Assessment.objects.history_of(assessment):
        result = analyse(load(a))
        out.append({"cycle": a.cycle, "overall": result["overall"], "pillars": result["pillars"]})
    return out
