"""Reads for the assessment pages: keyword-only functions returning querysets or plain data, each in
a fixed number of queries whatever the number of rows (the query-count tests hold them to it).
Writes are in ``services``; who may see what is in ``access``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from framework.models import Item, Requirement

from . import access, history
from .models import (
    Answer,
    AnswerEvidence,
    Assessment,
    Country,
    Evidence,
    Finding,
    FindingReply,
    Membership,
    NationalMeasure,
    OperationalData,
    TechnicalAssistanceNeed,
    by_name,
    is_reviewer,
)

User = get_user_model()

# The dashboard's simple filters; "mine" and "changed" need the user and the baseline.
FILTERS = {
    "unanswered": Q(status=Answer.Status.NOT_ASSESSED),
    "carried": Q(carried_over=True),
}


def pillar_progress(*, assessment: Assessment) -> list[dict[str, Any]]:
    """Per pillar: assessed items, answered, and the mix of statuses, in one query."""
    rows = (
        Answer.objects.filter(assessment=assessment)
        .values("item__pillar__number", "item__pillar__name", "status")
        .annotate(n=Count("pk"))
        .order_by("item__pillar__number")
    )
    pillars: dict[int, dict[str, Any]] = {}
    for row in rows:
        p = pillars.setdefault(
            row["item__pillar__number"],
            {
                "number": row["item__pillar__number"],
                "name": row["item__pillar__name"],
                "total": 0,
                "answered": 0,
                "mix": {},
            },
        )
        p["total"] += row["n"]
        if row["status"] != Answer.Status.NOT_ASSESSED:
            p["answered"] += row["n"]
        p["mix"][row["status"]] = row["n"]
    labels = dict(Answer.Status.choices)
    out = []
    for p in pillars.values():
        p["share"] = p["answered"] / p["total"] if p["total"] else 0.0
        mix, x = [], 0.0
        for s, n in sorted(p["mix"].items(), key=lambda kv: list(labels).index(kv[0])):
            width = 100 * n / p["total"]
            mix.append({"status": s, "label": labels[s], "n": n, "x": round(x, 2), "width": round(width, 2)})
            x += width
        p["mix"] = mix
        out.append(p)
    return out


def requirement_progress(*, assessment: Assessment) -> QuerySet[Requirement]:
    """The framework's requirements, each with its assessed items (``total``) and ``answered``."""
    return (
        Requirement.objects.filter(framework=assessment.framework)
        .select_related("pillar")
        .annotate(
            total=Count("items__answers", filter=Q(items__answers__assessment=assessment)),
            answered=Count(
                "items__answers",
                filter=Q(items__answers__assessment=assessment)
                & ~Q(items__answers__status=Answer.Status.NOT_ASSESSED),
            ),
        )
        .order_by("pillar__number", "position")
    )


def dashboard_listing(*, assessment: Assessment, user: Any, show: str, baseline: Assessment | None) -> Any:
    """The dashboard's filtered list of answers for ``show`` (mine, changed, unanswered, carried), or None."""
    answers = Answer.objects.filter(assessment=assessment).select_related("item__requirement")
    if show == "mine":
        return answers.filter(assignee_id=user.pk)
    if show == "changed" and baseline is not None:
        before = dict(Answer.objects.filter(assessment=baseline).values_list("item__code", "status"))
        return [a for a in answers if before.get(a.item.code, Answer.Status.NOT_ASSESSED) != a.status]
    if show in FILTERS:
        return answers.filter(FILTERS[show])
    return None


def open_findings(*, assessment: Assessment) -> QuerySet[Finding]:
    """The assessment's open findings in the Framework's order."""
    return (
        Finding.objects.filter(assessment=assessment, status=Finding.Status.OPEN)
        .select_related("requirement", "item")
        .order_by("requirement__pillar__number", "requirement__position", "created_at")
    )


def open_items(*, assessment: Assessment) -> list[Answer]:
    """Items still 'not yet assessed', in the Framework's order."""
    return list(
        Answer.objects.filter(assessment=assessment, status=Answer.Status.NOT_ASSESSED)
        .select_related("item__requirement")
        .order_by("item__pillar__number", "item__requirement__position", "item__kind_order", "item__position")
    )


RECENT_YEARS = 3


def requirement_context(*, assessment: Assessment, code: str, user: Any) -> dict[str, Any]:
    """Everything the requirement page shows, in a fixed number of queries (the items' forms load later)."""
    requirement = get_object_or_404(
        Requirement.objects.select_related("pillar").prefetch_related(
            Prefetch("items", queryset=Item.objects.order_by("kind_order", "position"))
        ),
        framework=assessment.framework,
        code=code,
    )
    answers = {
        a.item_id: a
        for a in Answer.objects.filter(assessment=assessment, item__requirement=requirement)
        .select_related("assignee", "updated_by")
        .prefetch_related("evidence")
    }
    data_by_item: dict[int, list[OperationalData]] = defaultdict(list)
    for row in (
        OperationalData.objects.filter(assessment=assessment, indicator__requirement=requirement)
        .prefetch_related("breakdowns")
        .order_by("-period")
    ):
        data_by_item[row.indicator_id].append(row)
    items = list(requirement.items.all())
    assessed = [(item, answers.get(item.pk)) for item in items if item.is_assessed]
    # The latest years are shown; earlier ones load when asked for (a long history is heavy on a slow line).
    indicators = [
        (
            item,
            data_by_item.get(item.pk, [])[:RECENT_YEARS],
            len(data_by_item.get(item.pk, [])) - RECENT_YEARS,
        )
        for item in items
        if item.kind == Item.Kind.OPERATIONAL_INDICATOR
    ]
    writers = User.objects.filter(
        memberships__country=assessment.country,
        memberships__role__in=(Membership.Role.COORDINATOR, Membership.Role.CONTRIBUTOR),
    ).order_by("email")
    can_write = access.can_write(user, assessment) and assessment.is_editable
    # Reviewers review other countries; a team member's page needs no query about reviewers.
    reviewing = access.role_in(user, assessment.country_id) is None and is_reviewer(user)
    return {
        "assessment": assessment,
        "requirement": requirement,
        "objectives": [i for i in items if i.kind == Item.Kind.OBJECTIVE],
        "assessed": assessed,
        "carried_count": sum(1 for _, answer in assessed if answer is not None and answer.carried_over),
        "indicators": indicators,
        "writers": list(writers),
        "measures": NationalMeasure.objects.filter(assessment=assessment, requirement=requirement),
        "ta_needs": TechnicalAssistanceNeed.objects.filter(
            assessment=assessment, requirement=requirement
        ).select_related("area", "item"),
        "can_write": can_write,
        "is_reviewer": reviewing,
        "can_reply": (can_write or reviewing)
        and assessment.state
        in (Assessment.State.SUBMITTED, Assessment.State.IN_REVIEW, Assessment.State.RETURNED),
        "review_open": assessment.state in (Assessment.State.SUBMITTED, Assessment.State.IN_REVIEW),
        # A draft has never been reviewed: no findings to fetch.
        "findings": []
        if assessment.state == Assessment.State.DRAFT
        else Finding.objects.filter(assessment=assessment, requirement=requirement)
        .select_related("item", "created_by", "resolved_by")
        .prefetch_related(Prefetch("replies", queryset=FindingReply.objects.select_related("author")))
        .order_by("status", "created_at"),
        "rating_choices": [
            (v, label) for v, label in Answer.Status.choices if v != Answer.Status.NOT_ASSESSED
        ],
        "statuses": Answer.Status,
        **neighbours(requirement),
        "nav": "assessments",
    }


def neighbours(requirement: Requirement) -> dict[str, Any]:
    """The framework's requirements by pillar (for the navigator), and the one before and after
    this one across pillars; one query."""
    every = list(
        Requirement.objects.filter(framework_id=requirement.framework_id)
        .select_related("pillar")
        .only("code", "title", "position", "pillar__number", "pillar__name")
        .order_by("pillar__number", "position")
    )
    at = next(n for n, r in enumerate(every) if r.pk == requirement.pk)
    pillars: dict[int, dict[str, Any]] = {}
    for r in every:
        pillars.setdefault(r.pillar.number, {"pillar": r.pillar, "requirements": []})["requirements"].append(
            r
        )
    return {
        "navigator": list(pillars.values()),
        "previous": every[at - 1] if at > 0 else None,
        "next": every[at + 1] if at + 1 < len(every) else None,
    }


def answer_history(
    *, assessment: Assessment, answer: Answer
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """An answer's history, newest first: each change with the fields it changed (one person's
    saves within a few minutes of each other read as one change), and its evidence links and
    unlinks. The stored history keeps every save."""
    records = list(
        answer.history.select_related("history_user").order_by("-history_date", "-history_id")[:200]
    )
    people = dict(
        get_user_model()
        .objects.filter(pk__in={r.assignee_id for r in records if r.assignee_id})
        .values_list("pk", "email")
    )
    changes = []
    for group in history.sessions(records):
        newer, older = (
            group[0],
            records[records.index(group[-1]) + 1] if group[-1] is not records[-1] else None,
        )
        diff = newer.diff_against(older).changes if older is not None else []
        fields = [c for c in diff if c.field not in {"version", "updated_by", "updated_at"}]
        changes.append(
            {
                "record": newer,
                "saves": len(group),
                "reason": history.reason(
                    newer.history_change_reason
                    if len(group) == 1
                    else history.CHANGED + ", ".join(c.field for c in fields)
                ),
                "changes": [
                    {
                        "field": history.field_label(c.field),
                        "old": history.value_text(c.field, c.old, people),
                        "new": history.value_text(c.field, c.new, people),
                    }
                    for c in fields
                ],
                "is_creation": older is None,
            }
        )
    titles = dict(Evidence.objects.filter(assessment=assessment).values_list("pk", "title"))
    links = [
        {
            "record": r,
            "title": titles.get(r.evidence_id, _("(removed from the library)")),
            "added": r.history_type == "+",
        }
        for r in AnswerEvidence.history.filter(answer_id=answer.pk)
        .exclude(history_type="~")
        .select_related("history_user")
        .order_by("-history_date")[:200]
    ]
    return changes, links


def countries_overview(*, name: str = "", region: str = "") -> list[Country]:
    """Every country for UNODC's administrators (Member States first, then the demo ones, each in
    the order of their names in the page's language), with team size, pending invitations and the
    coordinators with their profiles, in three queries. ``name`` matches the name in the page's
    language or in English, or the code."""
    coordinators = Membership.objects.filter(role=Membership.Role.COORDINATOR).select_related("user__profile")
    countries = Country.objects.annotate(
        team_size=Count("memberships", distinct=True),
        pending_invitations=Count(
            "invitations",
            filter=Q(
                invitations__accepted_at__isnull=True,
                invitations__revoked_at__isnull=True,
                invitations__expires_at__gt=timezone.now(),
            ),
            distinct=True,
        ),
    ).prefetch_related(Prefetch("memberships", queryset=coordinators, to_attr="coordinators"))
    if region:
        countries = countries.filter(region=region)
    rows = list(countries)
    if name:
        wanted = name.casefold()
        rows = [
            c
            for c in rows
            if wanted in c.display_name.casefold()
            or wanted in c.name.casefold()
            or wanted == c.code.casefold()
        ]
    ordered: list[Country] = by_name(rows)
    return [c for c in ordered if not c.is_demo] + [c for c in ordered if c.is_demo]
