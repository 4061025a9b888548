"""Operational data: an indicator's value per year, with a count's breakdown along footnote 19's dimensions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from framework.models import DisaggregationCategory, Item

from .assessments import Assessment


class OperationalData(models.Model):
    """A value of one operational indicator for one period (year). Aggregate figures only."""

    class Method(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        ESTIMATED = "estimated", _("Estimated")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="data")
    indicator = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="data")
    period = models.PositiveSmallIntegerField(_("year"))
    value_count = models.PositiveBigIntegerField(_("count"), null=True, blank=True)
    value_amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3, blank=True)
    value_bool = models.BooleanField(_("yes/no"), null=True, blank=True)
    value_text = models.TextField(_("narrative"), max_length=20000, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, blank=True)
    not_collected = models.BooleanField(_("not collected"), default=False)
    not_collected_reason = models.TextField(_("why not collected"), max_length=5000, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = [
            "indicator__requirement__pillar__number",
            "indicator__requirement__position",
            "indicator__position",
            "-period",
        ]
        verbose_name = _("operational data")
        verbose_name_plural = _("operational data")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator", "period"], name="data_one_per_period"),
            models.CheckConstraint(
                condition=Q(period__gte=1990, period__lte=2100), name="data_period_plausible"
            ),
            models.CheckConstraint(
                condition=Q(not_collected=False) | ~Q(not_collected_reason=""),
                name="data_not_collected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(value_amount__isnull=True) | Q(value_amount__gte=0),
                name="data_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(value_amount__isnull=True) | Q(currency__regex=r"^[A-Z]{3}$"),
                name="data_amount_has_currency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}"


class Breakdown(models.Model):
    """One part of a count, along one disaggregation category (e.g. sex: female)."""

    data = models.ForeignKey(OperationalData, on_delete=models.CASCADE, related_name="breakdowns")
    category = models.ForeignKey(DisaggregationCategory, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveBigIntegerField(_("count"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["category__dimension__position", "category__position"]
        verbose_name = _("breakdown")
        verbose_name_plural = _("breakdowns")
        constraints = [
            models.UniqueConstraint(fields=["data", "category"], name="breakdown_one_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.value}"
