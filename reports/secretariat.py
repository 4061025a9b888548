"""What the UNODC secretariat sees across countries: computed in the database, never per country.

Only submitted, in-review, returned and accepted assessments appear here: drafts are the
country's own business until it submits them.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from assessments.models import (
    INDICATOR_CREDIT,
    MEASURE_CREDIT,
    Answer,
    AnswerStatus,
    Assessment,
    Finding,
    Region,
    Transition,
)
from assessments.models.countries import by_name

from .gap import coverage

REVIEWED_STATES = (
    Assessment.State.SUBMITTED,
    Assessment.State.IN_REVIEW,
    Assessment.State.RETURNED,
    Assessment.State.ACCEPTED,
)


def _count(qs: QuerySet[Any]) -> Subquery:
    return Subquery(
        qs.values("assessment").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
    )


def current_assessments(
    *, region: str = "", state: str = "", cycle: int | None = None
) -> QuerySet[Assessment]:
    """Each country's latest reviewed assessment (or the one of ``cycle``), with its review summary."""
    reviewed = Assessment.objects.filter(state__in=REVIEWED_STATES)
    if cycle:
        qs = reviewed.filter(cycle=cycle)
    else:
        latest = reviewed.filter(country=OuterRef("country")).order_by("-cycle").values("pk")[:1]
        qs = reviewed.filter(pk=Subquery(latest))
    if region:
        qs = qs.filter(country__region=region)
    if state:
        qs = qs.filter(state=state)
    answers = Answer.objects.filter(assessment=OuterRef("pk"))
    submitted_at = (
        Transition.objects.filter(assessment=OuterRef("pk"), to_state=Assessment.State.SUBMITTED)
        .order_by("-at")
        .values("at")[:1]
    )
    last_answer = answers.values("assessment").annotate(m=Max("updated_at")).values("m")[:1]
    return (
        qs.select_related("country", "framework")
        .annotate(
            item_count=Coalesce(_count(answers), 0),
            answered_count=Coalesce(_count(answers.exclude(status=AnswerStatus.NOT_ASSESSED)), 0),
            open_findings=Coalesce(
                _count(Finding.objects.filter(assessment=OuterRef("pk"), status=Finding.Status.OPEN)), 0
            ),
            submitted_at=Subquery(submitted_at, output_field=DateTimeField()),
            last_activity=Greatest(
                F("updated_at"),
                Coalesce(Subquery(last_answer, output_field=DateTimeField()), F("updated_at")),
            ),
        )
        .order_by("country__name")
    )


def _credit(mapping: dict[str, float], kind: str) -> Any:
    return Sum(
        Case(
            *[When(item__kind=kind, status=status, then=Value(credit)) for status, credit in mapping.items()],
            default=Value(0.0),
            output_field=FloatField(),
        )
    )


def _counted(mapping: dict[str, float], kind: str) -> Any:
    return Count("pk", filter=Q(item__kind=kind, status__in=list(mapping)))


def pillar_matrix(assessments: list[Assessment]) -> dict[int, dict[int, dict[str, float | None]]]:
    """Per assessment and pillar: share of minimum standards met and of measures in place (0-1),
    None where nothing counts, with the pillar's coverage (as in the gap analysis). One grouped
    query for any number of countries."""
    rows = (
        Answer.objects.filter(assessment__in=[a.pk for a in assessments])
        .values("assessment_id", "item__pillar__number")
        .annotate(
            fi_credit=_credit(INDICATOR_CREDIT, "framework_indicator"),
            fi_counted=_counted(INDICATOR_CREDIT, "framework_indicator"),
            im_credit=_credit(MEASURE_CREDIT, "implementation_measure"),
            im_counted=_counted(MEASURE_CREDIT, "implementation_measure"),
            items=Count("pk", filter=Q(item__kind__in=["framework_indicator", "implementation_measure"])),
            assessed=Count(
                "pk",
                filter=Q(item__kind__in=["framework_indicator", "implementation_measure"])
                & ~Q(status=AnswerStatus.NOT_ASSESSED),
            ),
        )
        .order_by()
    )
    matrix: dict[int, dict[int, dict[str, float | None]]] = {}
    for row in rows:
        matrix.setdefault(row["assessment_id"], {})[row["item__pillar__number"]] = {
            "standards": row["fi_credit"] / row["fi_counted"] if row["fi_counted"] else None,
            "measures": row["im_credit"] / row["im_counted"] if row["im_counted"] else None,
            **coverage(row["assessed"], row["items"]),
        }
    return matrix


SORTS = ("country", "cycle", "state", "assessed", "findings", "activity", "waiting")


def filtered(
    params: Mapping[str, str],
) -> tuple[list[Assessment], dict[int, dict[int, dict[str, float | None]]]]:
    """The rows and matrix for the filters in ``params`` (region, state, cycle, ``q``: a country's
    name in the page's language or in English, or its code), ordered by ``sort`` (a column of
    ``SORTS`` or ``p1``..``p5``, a pillar's share of minimum standards met; ``-`` first for
    descending; the countries' names in the page's language by default). Bad values are ignored."""
    region, state, cycle = params.get("region", ""), params.get("state", ""), params.get("cycle", "")
    rows = by_name(
        current_assessments(
            region=region if region in Region.values else "",
            state=state if state in REVIEWED_STATES else "",
            # isdecimal, not isdigit: "²" is a digit that int() refuses.
            cycle=int(cycle) if cycle.isascii() and cycle.isdecimal() and len(cycle) <= 4 else None,
        ),
        country=lambda a: a.country,
    )
    wanted = params.get("q", "").strip().casefold()[:100]
    if wanted:
        rows = [
            a
            for a in rows
            if wanted in a.country.display_name.casefold()
            or wanted in a.country.name.casefold()
            or wanted == a.country.code.casefold()
        ]
    matrix = pillar_matrix(rows)
    return ordered(rows, matrix, params.get("sort", "")), matrix


def ordered(
    rows: list[Assessment], matrix: dict[int, dict[int, dict[str, float | None]]], sort: str
) -> list[Assessment]:
    """``rows`` (already in the order of the countries' names) by ``sort``; rows without a value
    come last either way, and ties keep the order of the names."""
    descending, column = sort.startswith("-"), sort.lstrip("-")
    keys: dict[str, Any] = {
        "cycle": lambda a: a.cycle,
        "state": lambda a: list(Assessment.State.values).index(a.state),
        "assessed": lambda a: a.answered_count / a.item_count if a.item_count else None,
        "findings": lambda a: a.open_findings,
        "activity": lambda a: a.last_activity,
        "waiting": lambda a: a.submitted_at and -a.submitted_at.timestamp(),
    }
    if column.startswith("p") and column[1:].isdecimal() and len(column) <= 3:
        number = int(column[1:])
        keys[column] = lambda a: matrix.get(a.pk, {}).get(number, {}).get("standards")
    key = keys.get(column)
    if key is None:
        return list(reversed(rows)) if descending and column == "country" else rows
    present = [a for a in rows if key(a) is not None]
    missing = [a for a in rows if key(a) is None]
    return sorted(present, key=key, reverse=descending) + missing


def regions(rows: list[Assessment], matrix: dict[int, dict[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per UN region of ``rows``: how many countries report, the median of their overall shares
    (the mean of their pillars' shares, as in the gap analysis, counting only pillars assessed
    enough) and the median share of their items assessed."""
    by_region: dict[str, list[Assessment]] = {}
    for row in rows:
        by_region.setdefault(row.country.region, []).append(row)
    labels = dict(Region.choices)
    out = []
    for region, members in sorted(by_region.items(), key=lambda kv: str(labels.get(kv[0], kv[0]))):
        overall: dict[str, list[float]] = {"standards": [], "measures": []}
        for a in members:
            for kind in overall:
                shares = [
                    cell[kind]
                    for cell in matrix.get(a.pk, {}).values()
                    if cell.get(kind) is not None and cell.get("enough_assessed")
                ]
                if shares:
                    overall[kind].append(sum(shares) / len(shares))
        # current_assessments() annotates these counts.
        counts = [(getattr(a, "answered_count", 0), getattr(a, "item_count", 0)) for a in members]
        coverage = [answered / items for answered, items in counts if items]
        out.append(
            {
                "region": region,
                "label": labels.get(region, region),
                "countries": len(members),
                "standards": statistics.median(overall["standards"]) if overall["standards"] else None,
                "measures": statistics.median(overall["measures"]) if overall["measures"] else None,
                "coverage": statistics.median(coverage) if coverage else None,
            }
        )
    return out
