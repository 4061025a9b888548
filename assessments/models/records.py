"""National measures and technical-assistance needs, recorded per requirement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from framework.models import Item, Requirement, TechnicalAssistanceArea

from .assessments import Assessment


class NationalMeasure(models.Model):
    """The country's own measure beyond the Framework's list (its measures are non-exhaustive)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        DISCONTINUED = "discontinued", _("Discontinued")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="national_measures")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    responsible_body = models.CharField(_("responsible body"), max_length=300, blank=True)
    timeline = models.CharField(_("timeline"), max_length=200, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["requirement__pillar__number", "requirement__position", "pk"]
        verbose_name = _("national measure")
        verbose_name_plural = _("national measures")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | (Q(budget__gte=0) & Q(currency__regex=r"^[A-Z]{3}$")),
                name="measure_budget_has_currency",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TechnicalAssistanceNeed(models.Model):
    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        REQUESTED = "requested", _("Requested")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", pgettext_lazy("a technical assistance need", "Met")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ta_needs")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    area = models.ForeignKey(TechnicalAssistanceArea, on_delete=models.PROTECT, related_name="+")
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    description = models.TextField(_("description"), max_length=5000)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDENTIFIED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["requirement__pillar__number", "requirement__position", "pk"]
        verbose_name = _("technical assistance need")
        verbose_name_plural = _("technical assistance needs")

    def __str__(self) -> str:
        return self.get_priority_display()
