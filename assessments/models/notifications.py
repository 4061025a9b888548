"""The outbox of notification e-mails: one row per notification, written with the change."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .assessments import Assessment
from .review import Finding


class Notification(models.Model):
    """An e-mail owed about a workflow event: written in the transaction of the change, sent by a
    worker (once, even if its message is delivered twice), published again by the sweeper if the
    broker never took it."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Assessment submitted")
        RETURNED = "returned", _("Assessment returned")
        ACCEPTED = "accepted", _("Assessment accepted")
        FINDING = "finding", _("New review finding")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    kind = models.CharField(_("about"), max_length=20, choices=Kind.choices)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="notifications")
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    published_at = models.DateTimeField(
        _("handed to the broker"), null=True, blank=True, help_text=_("When the task reached the broker.")
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    emails_sent = models.PositiveIntegerField(_("e-mails sent"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification e-mail")
        verbose_name_plural = _("notification e-mails")
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state_created")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="notification_sent_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(kind="finding") | Q(finding__isnull=False),
                name="notification_finding_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.state}"
