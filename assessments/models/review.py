"""The reviewers' findings on requirements and items, and their reply threads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from framework.models import Item, Requirement

from .assessments import Assessment
from .statuses import AnswerStatus


class Finding(models.Model):
    """A reviewer's finding on a requirement or one of its items. The reviewer's own rating sits
    beside the country's answer, never over it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(_("finding"), max_length=10000)
    rating = models.CharField(_("reviewer's rating"), max_length=30, choices=AnswerStatus.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "requirement__pillar__number", "requirement__position", "created_at"]
        verbose_name = _("review finding")
        verbose_name_plural = _("review findings")
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="resolved") & Q(resolved_at__isnull=False))
                | (Q(status="open") & Q(resolved_at__isnull=True)),
                name="finding_resolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.get_status_display()


class FindingReply(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("reply"), max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("reply to a finding")
        verbose_name_plural = _("replies to findings")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d}"
