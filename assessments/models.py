"""Country teams and their self-assessments against the Framework for Action.

Visibility is by country: every view and API fetch starts from an assessment the user may see
(``Assessment.objects.visible_to`` or ``access.visible_assessment``) and reaches answers, data and
files through it, so another country's anything is a 404 exactly like a missing one.
Answers, operational data and breakdowns carry a version for optimistic concurrency; every
change to them (and to evidence links and assessment state) is kept by django-simple-history.
Aggregate figures only: nothing here describes an individual victim.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from framework.models import DisaggregationCategory, Framework, Item, Requirement, TechnicalAssistanceArea

REVIEWERS_GROUP = "UNODC reviewers"


class PrivateStorage(FileSystemStorage):
    """Evidence files live outside MEDIA_URL: they are only ever served through a checked view.

    The folder is read from settings at each use, so tests and deployments can move it.
    """

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Evidence has no public address; use the download view.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def is_reviewer(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_reviewer", None)
    if cached is None:
        cached = user.groups.filter(name=REVIEWERS_GROUP).exists()
        user._is_reviewer = cached
    return bool(cached)


class Region(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")


class CountryQuerySet(models.QuerySet["Country"]):
    def member_states(self) -> CountryQuerySet:
        return self.filter(is_demo=False)

    def of_user(self, user: Any, roles: tuple[str, ...] | None = None) -> CountryQuerySet:
        """Countries whose team ``user`` belongs to (optionally with one of ``roles``)."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(user=user)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return self.filter(pk__in=memberships.values("country_id"))


class Country(models.Model):
    code = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("UN region"), max_length=20, choices=Region.choices)
    subregion = models.CharField(_("UN sub-region"), max_length=100, blank=True)
    is_demo = models.BooleanField(
        _("fictitious demo country"), default=False, help_text=_("Never a real State: demo data only.")
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="country_code_alpha3"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in one country's team. A user may belong to several teams."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("National coordinator")
        CONTRIBUTOR = "contributor", _("Contributor")
        OBSERVER = "observer", _("Observer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "role", "user__email"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "country"], name="membership_one_role_per_country"),
        ]

    def __str__(self) -> str:
        return f"{self.role}"

    @property
    def can_write(self) -> bool:
        return self.role in (self.Role.COORDINATOR, self.Role.CONTRIBUTOR)


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

    def with_progress(self) -> AssessmentQuerySet:
        """Each assessment with its number of assessed items and items answered."""
        return self.annotate(
            item_count=Count("answers", distinct=True),
            answered_count=Count(
                "answers", filter=~Q(answers__status=Answer.Status.NOT_ASSESSED), distinct=True
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


class AnswerStatus(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not yet assessed")
    MET = "met", _("Met")
    PARTIALLY_MET = "partially_met", _("Partially met")
    NOT_MET = "not_met", _("Not met")
    IN_PLACE = "in_place", _("In place")
    PARTIALLY_IN_PLACE = "partially_in_place", _("Partially in place")
    PLANNED = "planned", _("Planned")
    NOT_IN_PLACE = "not_in_place", _("Not in place")
    ALTERNATIVE = "alternative", _("Alternative measure in place")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# Framework indicators are met or not; implementation measures are in place or not.
INDICATOR_STATUSES = (
    AnswerStatus.MET,
    AnswerStatus.PARTIALLY_MET,
    AnswerStatus.NOT_MET,
    AnswerStatus.NOT_APPLICABLE,
    AnswerStatus.NOT_ASSESSED,
)
MEASURE_STATUSES = (
    AnswerStatus.IN_PLACE,
    AnswerStatus.PARTIALLY_IN_PLACE,
    AnswerStatus.PLANNED,
    AnswerStatus.NOT_IN_PLACE,
    AnswerStatus.ALTERNATIVE,
    AnswerStatus.NOT_APPLICABLE,
    AnswerStatus.NOT_ASSESSED,
)
# The Framework is guidance, not a rigid instruction: departing from it needs a reason.
NEEDS_JUSTIFICATION = (AnswerStatus.NOT_APPLICABLE, AnswerStatus.ALTERNATIVE)
# What each status counts for in a share (gap analysis, secretariat matrix). Statuses absent here
# (not applicable, not yet assessed) are left out of both sides of the share.
INDICATOR_CREDIT: dict[str, float] = {
    AnswerStatus.MET: 1.0,
    AnswerStatus.PARTIALLY_MET: 0.5,
    AnswerStatus.NOT_MET: 0.0,
}
MEASURE_CREDIT: dict[str, float] = {
    AnswerStatus.IN_PLACE: 1.0,
    AnswerStatus.ALTERNATIVE: 1.0,
    AnswerStatus.PARTIALLY_IN_PLACE: 0.5,
    AnswerStatus.PLANNED: 0.0,
    AnswerStatus.NOT_IN_PLACE: 0.0,
}


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


def evidence_path(instance: Evidence, filename: str) -> str:
    # Generated names only: nothing of the uploader's file name reaches the file system.
    return f"evidence/{instance.assessment_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file or link in an assessment's evidence library, citable from any number of answers."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    file = models.FileField(upload_to=evidence_path, storage=private_storage, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file") & Q(sha256__regex=r"^[0-9a-f]{64}$") & ~Q(file=""))
                | (Q(kind="link") & ~Q(url="") & Q(file="")),
                name="evidence_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.LINK:
            return self.url
        return reverse("assessments:evidence-download", args=[self.assessment_id, self.pk])


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
        MET = "met", _("Met")

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


class Transition(models.Model):
    """One step of an assessment's workflow: who moved it from which state to which, and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=20, choices=Assessment.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Assessment.State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), max_length=5000, blank=True)

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
