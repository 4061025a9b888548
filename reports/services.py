"""Report jobs: request, run, sweep. Celery tasks are one line each calling these.

Reliability: the request creates the row and publishes the task only after commit, with the
row's id alone; a worker claims a job under a short lease before rendering and renews it while
it works (at each progress step, and from a heartbeat thread during WeasyPrint's blocking
render), so a redelivered message waits for a live worker instead of rendering twice, while a
killed worker's job is taken over as soon as its lease runs out, within about a minute; failures
are retried a bounded number of times, then the job fails with a readable message; the
sweeper re-publishes jobs that never reached the broker and reclaims expired leases.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation

from assessments.models import (
    Answer,
    AnswerEvidence,
    Assessment,
    Evidence,
    Finding,
    FindingReply,
    NationalMeasure,
    OperationalData,
    TechnicalAssistanceNeed,
)
from portal import languages

from . import docx, pdf
from .models import ReportJob

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# How long a running job stays its worker's without being renewed; a live worker renews it every
# third of it, so only a dead worker's job expires, and the sweeper or a redelivered message takes
# it back.
LEASE = timedelta(seconds=int(os.environ.get("REPORT_LEASE_SECONDS", "60")))
UNPUBLISHED_AFTER = timedelta(minutes=1)
# A queued job whose message reached the broker this long ago without running: the message was lost.
LOST_AFTER = timedelta(minutes=5)


def fingerprint(assessment: Assessment) -> str:
    """Changes whenever anything the report shows changes (state, answers, data, evidence…)."""
    parts: list[Any] = [
        assessment.state,
        assessment.updated_at.isoformat(),
        assessment.framework.updated_at.isoformat(),
    ]
    for qs, field in (
        (Answer.objects.filter(assessment=assessment), "updated_at"),
        (OperationalData.objects.filter(assessment=assessment), "updated_at"),
        (Evidence.objects.filter(assessment=assessment), "uploaded_at"),
        (Finding.objects.filter(assessment=assessment), "created_at"),
        (FindingReply.objects.filter(finding__assessment=assessment), "created_at"),
        (NationalMeasure.objects.filter(assessment=assessment), "updated_at"),
        (TechnicalAssistanceNeed.objects.filter(assessment=assessment), "updated_at"),
    ):
        agg = qs.aggregate(n=Count("pk"), last=Max(field))
        parts += [agg["n"], agg["last"].isoformat() if agg["last"] else ""]
    parts.append(AnswerEvidence.objects.filter(answer__assessment=assessment).count())
    parts.append(Finding.objects.filter(assessment=assessment, status=Finding.Status.RESOLVED).count())
    # An earlier cycle accepted later becomes the baseline the report compares with.
    parts.append(Assessment.objects.baseline_of(assessment).values_list("pk", flat=True).first() or "")
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]


def publish(job_id: int) -> None:
    """Hand the job to the broker; if the broker is down, the sweeper tries again later."""
    from .tasks import run_report_job  # here, not at the top: tasks imports this module

    try:
        run_report_job.delay(job_id)
    except Exception:
        log.warning(
            "report job %s could not reach the broker; the sweeper will publish it", job_id, exc_info=True
        )
        return
    ReportJob.objects.filter(pk=job_id, published_at__isnull=True).update(published_at=timezone.now())


@transaction.atomic
def request_report(
    *, assessment: Assessment, by: User, kind: str = ReportJob.Kind.GAP_PDF, language: str = ""
) -> ReportJob:
    """A finished report of the unchanged assessment in ``language`` (by default the requester's)
    if there is one; otherwise a new queued job."""
    language = language if language in languages.CHOICES else languages.language_of(by)
    current = fingerprint(assessment)
    existing = (
        ReportJob.objects.filter(assessment=assessment, kind=kind, fingerprint=current, language=language)
        .exclude(state=ReportJob.State.FAILED)
        .order_by("-requested_at")
        .first()
    )
    if existing is not None:
        return existing
    job = ReportJob.objects.create(
        assessment=assessment,
        kind=kind,
        fingerprint=current,
        language=language,
        requested_by=by,
        assessment_state=assessment.state,
    )
    transaction.on_commit(lambda: publish(job.pk))
    return job


@dataclass
class Claim:
    job: ReportJob | None
    wait: float = 0.0  # seconds until another worker's lease ends


def claim(job_id: int) -> Claim:
    """Take the job for rendering, unless it is finished or another worker holds a live lease."""
    now = timezone.now()
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state in (ReportJob.State.DONE, ReportJob.State.FAILED):
            return Claim(None)
        if job.state == ReportJob.State.RUNNING and job.lease_until and job.lease_until > now:
            return Claim(None, wait=(job.lease_until - now).total_seconds())
        job.state = ReportJob.State.RUNNING
        job.attempts += 1
        job.started_at = now
        job.lease_until = now + LEASE
        job.progress = 5
        job.error = ""
        job.save(update_fields=["state", "attempts", "started_at", "lease_until", "progress", "error"])
        return Claim(job)


def renew(job: ReportJob, *, progress: int | None = None) -> bool:
    """Extend this worker's lease on its running job, noting its progress; False if it lost the job."""
    changes: dict[str, Any] = {"lease_until": timezone.now() + LEASE}
    if progress is not None:
        changes["progress"] = progress
    # The attempt number tells this worker's claim from a later one by another worker.
    mine = ReportJob.objects.filter(pk=job.pk, state=ReportJob.State.RUNNING, attempts=job.attempts)
    return bool(mine.update(**changes))


@contextmanager
def heartbeat(job: ReportJob) -> Iterator[None]:
    """Renew the job's lease every third of it while the block runs (WeasyPrint's render blocks)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(LEASE.total_seconds() / 3):
                try:
                    renew(job)
                except Exception:
                    log.warning("could not renew the lease of report job %s", job.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"report-job-{job.pk}-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def run(job_id: int) -> Claim:
    """Render the job's report and store it. Raises on failure so the task can retry."""
    taken = claim(job_id)
    job = taken.job
    if job is None:
        return taken
    try:
        with heartbeat(job):
            assessment = Assessment.objects.select_related("country", "framework").get(pk=job.assessment_id)
            renew(job, progress=30)
            with translation.override(job.language):
                if job.kind == ReportJob.Kind.GAP_DOCX:
                    content, pages = docx.render_report(assessment), None
                else:
                    rendered = pdf.render_report(assessment)
                    content, pages = rendered.pdf, rendered.pages
            renew(job, progress=90)
        digest = hashlib.sha256(content).hexdigest()
        with transaction.atomic():
            current = ReportJob.objects.select_for_update().get(pk=job.pk)
            if current.state == ReportJob.State.DONE:  # another worker finished meanwhile
                return Claim(None)
            current.sha256 = digest
            current.file.save(f"report.{current.extension}", ContentFile(content), save=False)
            current.pages = pages
            current.size = len(content)
            current.state = ReportJob.State.DONE
            current.progress = 100
            current.finished_at = timezone.now()
            current.lease_until = None
            current.save()
        return Claim(current)
    except Exception as exc:
        fail_or_requeue(job.pk, exc)
        raise


def fail_or_requeue(job_id: int, exc: BaseException) -> None:
    """After a failed attempt: back to the queue while attempts remain, otherwise failed."""
    message = f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.state == ReportJob.State.DONE:
            return
        if job.attempts >= MAX_ATTEMPTS:
            job.state = ReportJob.State.FAILED
            job.error = (
                f"The report could not be produced after {job.attempts} attempts. Last error: {message}"
            )
            job.finished_at = timezone.now()
        else:
            job.state = ReportJob.State.QUEUED
            job.error = message
        job.lease_until = None
        job.save(update_fields=["state", "error", "finished_at", "lease_until"])


def sweep() -> dict[str, int]:
    """Publish jobs that never reached the broker; reclaim or fail jobs whose lease expired."""
    now = timezone.now()
    counts = {"published": 0, "requeued": 0, "failed": 0}
    for job_id in ReportJob.objects.filter(
        state=ReportJob.State.QUEUED, published_at__isnull=True, requested_at__lt=now - UNPUBLISHED_AFTER
    ).values_list("pk", flat=True):
        publish(job_id)
        counts["published"] += 1
    expired = ReportJob.objects.filter(state=ReportJob.State.RUNNING, lease_until__lt=now)
    for job in expired:
        with transaction.atomic():
            job = ReportJob.objects.select_for_update().get(pk=job.pk)
            if job.state != ReportJob.State.RUNNING or (job.lease_until and job.lease_until >= now):
                continue
            if job.attempts >= MAX_ATTEMPTS:
                job.state = ReportJob.State.FAILED
                job.error = f"The worker stopped answering {job.attempts} times; the report was given up."
                job.finished_at = now
            else:
                job.state = ReportJob.State.QUEUED
                job.published_at = None
            job.lease_until = None
            job.save()
        if job.state == ReportJob.State.QUEUED:
            publish(job.pk)
            counts["requeued"] += 1
        else:
            counts["failed"] += 1
    # Queued jobs whose message was lost after publication (e.g. Redis restarted without it).
    stale = ReportJob.objects.filter(
        Q(state=ReportJob.State.QUEUED) & Q(published_at__lt=now - LOST_AFTER)
    ).values_list("pk", flat=True)
    for job_id in stale:
        ReportJob.objects.filter(pk=job_id).update(published_at=None)
        publish(job_id)
        counts["published"] += 1
    return counts
