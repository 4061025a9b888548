"""Submission and review: the workflow steps, findings and their replies."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from framework.models import Item

from ..exceptions import StateError
from ..models import (
    INDICATOR_STATUSES,
    MEASURE_STATUSES,
    Answer,
    Assessment,
    Finding,
    FindingReply,
    Transition,
)
from ..notifications import notify
from ..texts import clean_text, field_limit
from ..workflow import STEPS

State = Assessment.State
# The steps taken with items still not assessed only when the person says so, and what they are told.
OPEN_ITEMS_CONFIRMED = {
    "submit": gettext_lazy("Some items are not yet assessed. Confirm that you submit with them open."),
    "accept": gettext_lazy(
        "Some items are not yet assessed. Confirm that you accept the assessment with them open: "
        "its scores then cover only what was assessed."
    ),
}


@transaction.atomic
def transition(
    *, assessment_id: int, by: User, action: str, comment: str = "", confirm_open: bool = False
) -> Assessment:
    """Take one workflow step. Concurrent or repeated requests produce exactly one transition."""
    if action not in STEPS:
        raise ValidationError(_("Unknown step."))
    step = STEPS[action]
    comment = clean_text(comment, field="comment", limit=field_limit(Transition, "comment"), strip=True)
    assessment = Assessment.objects.select_for_update().select_related("country").get(pk=assessment_id)
    if assessment.state not in step.sources:
        raise StateError(
            _("This assessment is %(state)s: it cannot be %(step)s now.")
            % {"state": assessment.get_state_display().lower(), "step": step.past}
        )
    still_open = (
        assessment.answers.filter(status=Answer.Status.NOT_ASSESSED).count()
        if action in OPEN_ITEMS_CONFIRMED
        else 0
    )
    if still_open and not confirm_open:
        raise ValidationError({"confirm_open": str(OPEN_ITEMS_CONFIRMED[action])})
    if (
        action == "return"
        and not Finding.objects.filter(assessment=assessment, status=Finding.Status.OPEN).exists()
    ):
        raise ValidationError(_("Write at least one finding for the country to answer before returning it."))
    Transition.objects.create(
        assessment=assessment,
        from_state=assessment.state,
        to_state=step.target,
        by=by,
        comment=comment,
        items_open=still_open,
    )
    assessment.state = step.target
    assessment._change_reason = action  # type: ignore[attr-defined]
    assessment._history_user = by  # type: ignore[attr-defined]
    assessment.save(update_fields=["state", "updated_at"])
    if step.notifies:
        notify(kind=step.notifies, assessment=assessment)
    return assessment


def _review_open(assessment: Assessment) -> None:
    if assessment.state not in (State.SUBMITTED, State.IN_REVIEW):
        raise StateError(_("Findings are written while the assessment is submitted or in review."))


@transaction.atomic
def add_finding(
    *,
    assessment: Assessment,
    by: User,
    requirement: Any,
    text: str,
    item: Item | None = None,
    rating: str = "",
) -> Finding:
    """A reviewer's finding on a requirement or one of its items, with an optional rating of their own."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _review_open(assessment)
    if requirement.framework_id != assessment.framework_id:
        raise ValidationError({"requirement": _("Choose a requirement of this assessment's framework.")})
    if item is not None and item.requirement_id != requirement.pk:
        raise ValidationError({"item": _("The item must belong to the requirement.")})
    text = clean_text(text, field="text", limit=field_limit(Finding, "text"), strip=True)
    if not text:
        raise ValidationError({"text": _("Write the finding.")})
    if rating:
        if item is None or not item.is_assessed:
            raise ValidationError(
                {"rating": _("A rating is given on a framework indicator or implementation measure.")}
            )
        allowed = INDICATOR_STATUSES if item.kind == Item.Kind.FRAMEWORK_INDICATOR else MEASURE_STATUSES
        if rating not in allowed or rating == Answer.Status.NOT_ASSESSED:
            raise ValidationError({"rating": _("Choose a rating that fits the item.")})
    finding = Finding.objects.create(
        assessment=assessment,
        requirement=requirement,
        item=item,
        text=text,
        rating=rating,
        created_by=by,
    )
    notify(kind="finding", assessment=assessment, finding=finding)
    return finding


@transaction.atomic
def reply_to_finding(*, finding: Finding, by: User, text: str) -> FindingReply:
    """Add a reply to a finding's thread while the assessment is under review or returned."""
    if finding.assessment.state not in (State.IN_REVIEW, State.RETURNED, State.SUBMITTED):
        raise StateError(_("Replies are written while the assessment is under review or returned."))
    text = clean_text(text, field="text", limit=field_limit(FindingReply, "text"), strip=True)
    if not text:
        raise ValidationError({"text": _("Write the reply.")})
    return FindingReply.objects.create(finding=finding, author=by, text=text)


@transaction.atomic
def set_finding_status(*, finding: Finding, by: User, resolved: bool) -> Finding:
    """Resolve or reopen a finding (until the assessment is accepted)."""
    finding = Finding.objects.select_for_update().select_related("assessment").get(pk=finding.pk)
    if finding.assessment.state == State.ACCEPTED:
        raise StateError(_("The assessment is accepted; its findings are closed."))
    finding.status = Finding.Status.RESOLVED if resolved else Finding.Status.OPEN
    finding.resolved_by = by if resolved else None
    finding.resolved_at = timezone.now() if resolved else None
    finding._history_user = by  # type: ignore[attr-defined]
    finding.save()
    return finding
