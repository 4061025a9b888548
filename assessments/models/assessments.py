"""An assessment per country, cycle and framework edition, and its workflow transitions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from framework.models import Framework

from .countries import Country, is_reviewer
from .statuses import AnswerStatus


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def visible_to(self, user: Any) -> AssessmentQuerySet:
        """Assessments of the user's countries; for UNODC reviewers, every one past the draft."""
        if not user.is_authenticated:
            return self.none()
        own = Q(country__in=Country.objects.of_user(user))
        if is_reviewer(user):
            return self.filter(own | ~Q(state=Assessment.State.DRAFT))
        return self.filter(own)

    def baseline_of(self, assessment: Assessment) -> AssessmentQuerySet:
        """What ``assessment`` is compared with ("change since the previous cycle"): at most one row.

        The same country's latest *accepted* assessment of an earlier cycle on the same framework
        edition (item codes are only comparable within one edition); none, no comparison. This is
        the only definition of the baseline. It is never ``previous`` as such: that is where the
        team prefilled from, possibly its own draft, whose live statuses nobody else may read.
        """
        return self.filter(
            country_id=assessment.country_id,
            framework_id=assessment.framework_id,
            state=Assessment.State.ACCEPTED,
            cycle__lt=assessment.cycle,
        ).order_by("-cycle")[:1]

    def history_of(self, assessment: Assessment) -> AssessmentQuerySet:
        """The cycles ``assessment`` is seen among in a series over time: the same country's
        accepted assessments of earlier cycles on the same framework edition (the same rule as
        ``baseline_of``, every one of them), and ``assessment`` itself, oldest first."""
        earlier = self.filter(
            country_id=assessment.country_id,
            framework_id=assessment.framework_id,
            state=Assessment.State.ACCEPTED,
            cycle__lt=assessment.cycle,
        )
        return (earlier | self.filter(pk=assessment.pk)).order_by("cycle")

    def with_progress(self) -> AssessmentQuerySet:
        """Each assessment with its number of assessed items and items answered."""
        return self.annotate(
            item_count=Count("answers", distinct=True),
            answered_count=Count(
                "answers", filter=~Q(answers__status=AnswerStatus.NOT_ASSESSED), distinct=True
            ),
        )


class Assessment(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        RETURNED = "returned", _("Returned for changes")
        ACCEPTED = "accepted", _("Accepted")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="assessments")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    cycle = models.PositiveSmallIntegerField(_("cycle (year)"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    # Where the answers were copied from when the assessment was created (any state: the team's
    # own data). Not the baseline of comparisons: see ``AssessmentQuerySet.baseline_of``.
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prefilled from"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["country__name", "-cycle"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "cycle", "framework"], name="assessment_one_per_cycle"
            ),
            models.CheckConstraint(
                condition=Q(cycle__gte=2000, cycle__lte=2100), name="assessment_cycle_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:dashboard", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES


class Transition(models.Model):
    """One step of an assessment's workflow: who moved it from which state to which, and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=20, choices=Assessment.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Assessment.State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    # Items still not assessed that the person taking the step (a submission, an acceptance)
    # explicitly acknowledged: the timeline says so.
    items_open = models.PositiveIntegerField(_("items not yet assessed, acknowledged"), default=0)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=models.F("to_state")), name="transition_changes_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"
