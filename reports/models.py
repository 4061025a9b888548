"""Report jobs: one row per requested report, rendered by a Celery worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, private_storage


def report_path(instance: ReportJob, filename: str) -> str:
    return f"reports/{instance.assessment_id}/{instance.pk}-{instance.sha256[:16]}.{instance.extension}"


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        GAP_PDF = "gap_pdf", _("Gap analysis report (PDF)")
        GAP_DOCX = "gap_docx", _("Gap analysis report (Word, editable)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="report_jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GAP_PDF)
    # The language the report is written in, chosen when it is requested.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # What the assessment looked like when the report was asked for: the same fingerprint
    # means the same report, so a finished one is offered again.
    fingerprint = models.CharField(max_length=100)
    assessment_state = models.CharField(
        _("assessment state when requested"), max_length=20, choices=Assessment.State.choices, blank=True
    )
    file = models.FileField(upload_to=report_path, storage=private_storage, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the task reached the broker.")
    )
    started_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        indexes = [models.Index(fields=["state", "requested_at"], name="reportjob_state_requested")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="done") | (~Q(sha256="") & (Q(pages__isnull=False) | ~Q(kind="gap_pdf"))),
                name="reportjob_done_has_file",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportjob_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.state}"

    def get_absolute_url(self) -> str:
        return reverse("reports:job", args=[self.assessment_id, self.pk])

    @property
    def extension(self) -> str:
        return "docx" if self.kind == self.Kind.GAP_DOCX else "pdf"

    @property
    def content_type(self) -> str:
        if self.kind == self.Kind.GAP_DOCX:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return "application/pdf"
