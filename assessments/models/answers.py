"""Answers to framework indicators and implementation measures, and the evidence each cites."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from framework.models import Item

from .assessments import Assessment
from .evidence import Evidence
from .statuses import INDICATOR_STATUSES, MEASURE_STATUSES, NEEDS_JUSTIFICATION, AnswerStatus, describe


class Answer(models.Model):
    """The country's answer on one assessed item: a framework indicator or an implementation measure."""

    Status = AnswerStatus
    INDICATOR_STATUSES = INDICATOR_STATUSES
    MEASURE_STATUSES = MEASURE_STATUSES
    NEEDS_JUSTIFICATION = NEEDS_JUSTIFICATION

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    kind = models.CharField(max_length=30, choices=Item.Kind.choices, editable=False)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.NOT_ASSESSED)
    narrative = models.TextField(_("narrative"), max_length=20000, blank=True)
    justification = models.TextField(_("justification"), max_length=5000, blank=True)
    legal_references = models.JSONField(_("legal references"), default=list, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_answers",
    )
    evidence: models.ManyToManyField[Evidence, Any] = models.ManyToManyField(
        "Evidence", blank=True, related_name="answers", through="AnswerEvidence"
    )
    carried_over = models.BooleanField(_("carried over from the previous cycle"), default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Evidence links have their own history (AnswerEvidence), so an answer's save writes one row.
    history = HistoricalRecords()

    class Meta:
        ordering = [
            "item__requirement__pillar__number",
            "item__requirement__position",
            "item__kind_order",
            "item__position",
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="answer_one_per_item"),
            models.CheckConstraint(
                condition=Q(kind__in=Item.ASSESSED_KINDS), name="answer_only_for_assessed_items"
            ),
            models.CheckConstraint(
                condition=(Q(kind=Item.Kind.FRAMEWORK_INDICATOR) & Q(status__in=INDICATOR_STATUSES))
                | (Q(kind=Item.Kind.IMPLEMENTATION_MEASURE) & Q(status__in=MEASURE_STATUSES)),
                name="answer_status_fits_item_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=NEEDS_JUSTIFICATION) | ~Q(justification=""),
                name="answer_justified_when_not_applicable_or_alternative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status}"

    @property
    def statuses(self) -> list[tuple[str, str]]:
        allowed = (
            self.INDICATOR_STATUSES if self.kind == Item.Kind.FRAMEWORK_INDICATOR else self.MEASURE_STATUSES
        )
        return [(value, str(label)) for value, label in self.Status.choices if value in allowed]

    @property
    def status_definitions(self) -> list[tuple[str, str]]:
        """Each status of the item's own scale with what it means."""
        return describe(value for value, _label in self.statuses)

    @property
    def is_answered(self) -> bool:
        return self.status != self.Status.NOT_ASSESSED


class AnswerEvidence(models.Model):
    """An answer citing a piece of evidence; each link and unlink is kept in history."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence_links")
    evidence = models.ForeignKey("Evidence", on_delete=models.CASCADE, related_name="answer_links")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence cited by an answer")
        verbose_name_plural = _("evidence cited by answers")
        constraints = [models.UniqueConstraint(fields=["answer", "evidence"], name="answer_evidence_once")]

    def __str__(self) -> str:
        return f"{self.answer_id} cites {self.evidence_id}"
