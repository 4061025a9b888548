"""E-mails about an assessment's workflow: who is told what, sent by a Celery worker.

A notification is queued only after the transaction that caused it commits (none if it rolls
back), carries only ids, and says nothing beyond the country, the assessment and the link.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import REVIEWERS_GROUP, Answer, Assessment, Finding, Membership

log = logging.getLogger(__name__)
User = get_user_model()

EVENTS = {"submitted", "returned", "accepted", "finding"}


def notify_after_commit(event: str, assessment: Assessment, finding: Finding | None = None) -> None:
    """Queue the e-mail for ``event`` once the current transaction has committed."""
    assessment_id, finding_id = assessment.pk, finding.pk if finding else None

    def enqueue() -> None:
        from .tasks import send_notification

        try:
            send_notification.delay(event, assessment_id, finding_id)
        except Exception:
            # The broker being down must not undo or fail the user's action; the e-mail is lost,
            # which the log says, and the change itself is recorded in the timeline.
            log.exception("could not queue the %s notification for assessment %s", event, assessment_id)

    transaction.on_commit(enqueue)


def recipients(event: str, assessment: Assessment, finding: Finding | None = None) -> list[str]:
    team = Membership.objects.filter(country=assessment.country)
    if event == "submitted":
        reviewers = User.objects.filter(groups__name=REVIEWERS_GROUP)
        coordinators = User.objects.filter(
            pk__in=team.filter(role=Membership.Role.COORDINATOR).values("user")
        )
        people = list(reviewers) + list(coordinators)
    elif event in ("returned", "accepted"):
        writers = team.filter(role__in=(Membership.Role.COORDINATOR, Membership.Role.CONTRIBUTOR))
        people = list(User.objects.filter(pk__in=writers.values("user")))
    elif event == "finding" and finding is not None:
        assignee = None
        if finding.item_id:
            answer = (
                Answer.objects.filter(assessment=assessment, item_id=finding.item_id)
                .select_related("assignee")
                .first()
            )
            assignee = answer.assignee if answer else None
        if assignee is not None:
            people = [assignee]
        else:
            people = list(
                User.objects.filter(pk__in=team.filter(role=Membership.Role.COORDINATOR).values("user"))
            )
    else:
        people = []
    return sorted({p.email for p in people if p.email and p.is_active})


def send(*, event: str, assessment_id: int, finding_id: int | None = None) -> int:
    """Send one e-mail per recipient; returns how many were sent."""
    if event not in EVENTS:
        raise ValueError(f"unknown notification {event!r}")
    assessment = Assessment.objects.select_related("country").filter(pk=assessment_id).first()
    if assessment is None:
        return 0
    finding = (
        Finding.objects.select_related("item", "requirement").filter(pk=finding_id).first()
        if finding_id
        else None
    )
    if event == "finding" and finding is None:
        return 0
    path = reverse("assessments:dashboard", args=[assessment.pk])
    if finding is not None:
        path = reverse("assessments:requirement", args=[assessment.pk, finding.requirement.code])
    context: dict[str, Any] = {
        "event": event,
        "country": assessment.country.name,
        "cycle": assessment.cycle,
        "code": finding.item.code
        if finding and finding.item
        else (finding.requirement.code if finding else ""),
        "link": settings.SITE_URL.rstrip("/") + path,
    }
    subject = render_to_string("assessments/email/subject.txt", context).strip()
    body = render_to_string("assessments/email/body.txt", context)
    sent = 0
    for address in recipients(event, assessment, finding):
        sent += EmailMessage(subject=subject, body=body, to=[address]).send()
    return sent
