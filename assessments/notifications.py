"""E-mails about an assessment's workflow: who is told what, sent by a Celery worker.

Each e-mail owed is a ``Notification`` row written in the transaction of the change (none if it
rolls back); once committed, the row's id alone is published to the worker. The worker sends it
once, even when its message is delivered twice; failures are retried a bounded number of times,
then the row is marked failed with the reason; the sweeper on beat publishes the rows the broker
never got. The e-mail says nothing beyond the country, the assessment and the link.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.languages import language_of

from .models import REVIEWERS_GROUP, Answer, Assessment, Finding, Membership, Notification

log = logging.getLogger(__name__)
User = get_user_model()

MAX_ATTEMPTS = 5
UNPUBLISHED_AFTER = timedelta(minutes=1)
# Still pending this long after it reached the broker: its message was lost (e.g. Redis restarted
# empty). Longer than the worker's retries with backoff take, so a row in retry is left alone.
LOST_AFTER = timedelta(minutes=15)
SWEEP_BATCH = 200


def notify(*, kind: str, assessment: Assessment, finding: Finding | None = None) -> Notification:
    """Record the e-mail owed in the current transaction; the worker gets it once that commits."""
    notification = Notification.objects.create(
        kind=Notification.Kind(kind), assessment=assessment, finding=finding
    )
    transaction.on_commit(lambda: publish(notification.pk))
    return notification


def publish(notification_id: int) -> bool:
    """Hand the notification to the broker; if the broker is down, the sweeper tries again later.

    The broker being down never fails or undoes the user's action: the row waits, unpublished.
    """
    from .tasks import send_notification  # here, not at the top: tasks imports this module

    try:
        send_notification.delay(notification_id)
    except Exception:
        log.warning(
            "notification %s could not reach the broker; the sweeper will publish it",
            notification_id,
            exc_info=True,
        )
        return False
    Notification.objects.filter(pk=notification_id).update(published_at=timezone.now())
    return True


def send(*, notification_id: int) -> int:
    """Send the notification's e-mails unless that was done; returns how many were sent now.

    Raises on failure while attempts remain, so the task retries; after the last attempt the row
    is marked failed with the reason and nothing is raised.
    """
    try:
        with transaction.atomic():
            # The lock makes a second delivery of the same message wait for the first, then skip it.
            notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
            if notification is None or notification.state != Notification.State.PENDING:
                return 0
            sent = deliver(notification)
            notification.state = Notification.State.SENT
            notification.sent_at = timezone.now()
            notification.attempts += 1
            notification.emails_sent = sent
            notification.error = ""
            notification.save(update_fields=["state", "sent_at", "attempts", "emails_sent", "error"])
            return sent
    except Exception as exc:
        if record_failure(notification_id, exc):
            return 0
        raise


def record_failure(notification_id: int, exc: BaseException) -> bool:
    """Count a failed attempt; True when it was the last one and the notification is now failed."""
    message = f"{type(exc).__name__}: {exc}"[:500]
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.state != Notification.State.PENDING:
            return True
        notification.attempts += 1
        if notification.attempts >= MAX_ATTEMPTS:
            notification.state = Notification.State.FAILED
            notification.error = (
                f"The e-mail could not be sent after {notification.attempts} attempts. Last error: {message}"
            )
            log.error("notification %s failed: %s", notification_id, notification.error)
        else:
            notification.error = message
        notification.save(update_fields=["attempts", "state", "error"])
        return notification.state == Notification.State.FAILED


def sweep() -> dict[str, int]:
    """Publish pending notifications the broker never got, or whose message was lost."""
    now = timezone.now()
    pending = Notification.objects.filter(state=Notification.State.PENDING).order_by("created_at")
    counts = {"published": 0, "republished": 0}
    batches = (
        ("published", pending.filter(published_at__isnull=True, created_at__lt=now - UNPUBLISHED_AFTER)),
        ("republished", pending.filter(published_at__lt=now - LOST_AFTER)),
    )
    for key, rows in batches:
        for notification_id in rows.values_list("pk", flat=True)[:SWEEP_BATCH]:
            if not publish(notification_id):
                return counts  # the broker went away again: the next sweep goes on
            counts[key] += 1
    return counts


def recipients_by_language(
    event: str, assessment: Assessment, finding: Finding | None = None
) -> dict[str, str]:
    """The active people told of ``event``: each address (those without one left out), with the
    language its owner reads the portal in."""
    team = Membership.objects.filter(country=assessment.country)
    if event == "submitted":
        reviewers = User.objects.filter(groups__name=REVIEWERS_GROUP).select_related("profile")
        coordinators = User.objects.filter(
            pk__in=team.filter(role=Membership.Role.COORDINATOR).values("user")
        ).select_related("profile")
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
    return {p.email: language_of(p) for p in people if p.email and p.is_active}


def deliver(notification: Notification) -> int:
    """Send one e-mail per recipient, built now from the rows; returns how many were sent.

    A failure after some recipients were sent means that the retry sends to them again: an
    e-mail twice rather than not at all.
    """
    event = notification.kind
    assessment = Assessment.objects.select_related("country").get(pk=notification.assessment_id)
    finding = (
        Finding.objects.select_related("item", "requirement").get(pk=notification.finding_id)
        if notification.finding_id
        else None
    )
    if event == Notification.Kind.FINDING and finding is None:
        return 0
    path = reverse("assessments:dashboard", args=[assessment.pk])
    if finding is not None:
        path = reverse("assessments:requirement", args=[assessment.pk, finding.requirement.code])
    context: dict[str, Any] = {
        "event": event,
        "country": assessment.country,  # its name is written in each recipient's language
        "cycle": assessment.cycle,
        "code": finding.item.code
        if finding and finding.item
        else (finding.requirement.code if finding else ""),
        "link": settings.SITE_URL.rstrip("/") + path,
    }
    sent = 0
    rendered: dict[str, tuple[str, str]] = {}  # each language's e-mail, written once
    for address, language in sorted(recipients_by_language(event, assessment, finding).items()):
        if language not in rendered:
            with translation.override(language):
                rendered[language] = (
                    render_to_string("assessments/email/subject.txt", context).strip(),
                    render_to_string("assessments/email/body.txt", context),
                )
        subject, body = rendered[language]
        sent += EmailMessage(subject=subject, body=body, to=[address]).send()
    return sent
