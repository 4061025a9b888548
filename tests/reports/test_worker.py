"""Report jobs and notification e-mails with a real Celery worker on a real Redis (PostgreSQL, so
the worker sees the data).

Each test starts its own redis-server on a spare port (so it can stop it) and a worker process
on the test database. Required in CI; skipped on a laptop without PostgreSQL or redis-server.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from assessments import notifications
from assessments import services as assessment_services
from assessments.models import Assessment, Membership, Notification
from portal.celery import app as celery_app
from reports import services
from reports.models import ReportJob
from tests.conftest import require
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Redis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: self._up(), 10, "redis-server did not start")

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def _up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False


def reset_pool() -> None:
    """Forget pooled broker connections (after the broker URL changed, or the broker restarted)."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None


def wait_for(check: Callable[[], Any], seconds: float, message: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(message)


@pytest.fixture
def redis_broker() -> Iterator[Redis]:
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    require(connection.vendor == "postgresql", "needs PostgreSQL: the worker process reads the test database")
    redis = Redis(free_port())
    redis.start()
    before = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = redis.url
    celery_app.conf.task_always_eager = False
    reset_pool()
    yield redis
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = before
    reset_pool()
    redis.stop()


@pytest.fixture
def start_worker(redis_broker: Redis, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    db = connection.settings_dict

    def start(private_root: Path | None = None, lease: str | None = "8") -> subprocess.Popen[bytes]:
        """A worker; ``lease`` is its report lease in seconds (None: the portal's default)."""
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": redis_broker.url,
            "SECRET_KEY": "worker-test",
            "PRIVATE_MEDIA_ROOT": str(private_root or settings.PRIVATE_MEDIA_ROOT),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        # E-mails to the console, which is the worker's log (a production run would use SMTP).
        env["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
        env.pop("REPORT_LEASE_SECONDS", None)
        if lease is not None:
            env["REPORT_LEASE_SECONDS"] = lease
        log = open(tmp_path / f"worker-{len(procs)}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                "-n",
                f"test{len(procs)}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs.append(proc)
        wait_for(
            lambda: b"ready" in (tmp_path / f"worker-{len(procs) - 1}.log").read_bytes(),
            60,
            "the worker did not start",
        )
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def demo() -> tuple[Assessment, Any]:
    for command in ("load_framework", "load_countries"):
        call_command(command, stdout=io.StringIO())
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    a = Assessment.objects.get(country__code="XDA")
    return a, Membership.objects.get(country=a.country, role="coordinator").user


def job_state(job_id: int) -> str:
    return ReportJob.objects.get(pk=job_id).state


def pdf_files(root: Path) -> list[Path]:
    return sorted((root / "reports").rglob("*.pdf")) if (root / "reports").exists() else []


def test_a_real_worker_completes_a_job(start_worker: Any, demo: Any) -> None:
    start_worker()
    assessment, user = demo
    job = services.request_report(assessment=assessment, by=user)
    wait_for(lambda: job_state(job.pk) == "done", 90, "the job did not complete")
    job.refresh_from_db()
    assert job.pages and job.pages > 10
    assert job.published_at is not None


def test_a_worker_killed_mid_render_leads_to_one_completed_job_and_one_file_within_90_seconds(
    start_worker: Any, demo: Any
) -> None:
    worker = start_worker(lease=None)  # the lease a production worker has
    assessment, user = demo
    job = services.request_report(assessment=assessment, by=user)
    wait_for(lambda: job_state(job.pk) == "running", 60, "the job did not start")
    children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
    assert children, "no pool process to kill"
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)  # the process rendering the PDF dies without a word
    killed = time.monotonic()
    wait_for(lambda: job_state(job.pk) == "done", 120, "the job was not completed after the kill")
    assert time.monotonic() - killed < 90  # taken over when the dead worker's lease ran out
    job.refresh_from_db()
    assert job.attempts == 2
    assert len(pdf_files(Path(settings.PRIVATE_MEDIA_ROOT))) == 1
    assert ReportJob.objects.filter(assessment=assessment).count() == 1


def test_a_job_requested_while_redis_is_down_is_completed_by_the_sweeper(
    start_worker: Any, redis_broker: Redis, demo: Any
) -> None:
    start_worker()
    assessment, user = demo
    redis_broker.stop()
    reset_pool()
    started = time.monotonic()
    job = services.request_report(assessment=assessment, by=user)
    assert time.monotonic() - started < 15  # the request still answers
    job.refresh_from_db()
    assert (job.state, job.published_at) == ("queued", None)
    redis_broker.start()
    reset_pool()
    ReportJob.objects.filter(pk=job.pk).update(requested_at=timezone.now() - services.UNPUBLISHED_AFTER * 2)
    assert services.sweep()["published"] == 1
    wait_for(lambda: job_state(job.pk) == "done", 120, "the swept job did not complete")


def test_a_job_that_always_fails_ends_failed_after_bounded_attempts(
    start_worker: Any, demo: Any, tmp_path: Path
) -> None:
    unwritable = tmp_path / "read-only"
    unwritable.mkdir()
    unwritable.chmod(0o500)
    if os.access(unwritable, os.W_OK):  # root ignores permissions: use a path that cannot be a folder
        unwritable = Path("/proc/version/reports")
    start_worker(private_root=unwritable)
    assessment, user = demo
    job = services.request_report(assessment=assessment, by=user)
    wait_for(lambda: job_state(job.pk) == "failed", 180, "the job did not end failed")
    job.refresh_from_db()
    assert job.attempts == services.MAX_ATTEMPTS
    assert "could not be produced after 3 attempts" in job.error


def test_a_slow_live_render_keeps_its_lease_and_is_rendered_once(start_worker: Any, demo: Any) -> None:
    start_worker(lease="2")  # the demo report takes longer than that to render
    assessment, user = demo
    job = services.request_report(assessment=assessment, by=user)
    wait_for(lambda: job_state(job.pk) != "queued", 60, "the job did not start")
    started = time.monotonic()
    deadline = started + 120
    while job_state(job.pk) == "running" and time.monotonic() < deadline:
        counts = services.sweep()
        assert counts["requeued"] == counts["failed"] == 0, "the sweeper took a live worker's job"
        time.sleep(0.3)
    assert time.monotonic() - started > 2, "the render did not outlast its lease: the test proves nothing"
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 1)
    assert len(pdf_files(Path(settings.PRIVATE_MEDIA_ROOT))) == 1


def test_an_email_owed_while_redis_is_down_is_sent_once_by_the_worker_after_the_sweep(
    start_worker: Any, redis_broker: Redis, tmp_path: Path
) -> None:
    start_worker()
    log = tmp_path / "worker-0.log"
    country = CountryFactory(code="XWA")
    team = make_team(country, "w")
    reviewer = make_reviewer()
    a = assessment_services.create_assessment(
        country=country,
        cycle=2026,
        framework=build_catalogue(),
        by=team["coordinator"],
    )
    redis_broker.stop()
    reset_pool()
    assessment_services.transition(
        assessment_id=a.pk, by=team["coordinator"], action="submit", confirm_open=True
    )
    notification = Notification.objects.get()
    assert (notification.state, notification.published_at) == ("pending", None)
    redis_broker.start()
    reset_pool()
    Notification.objects.update(created_at=timezone.now() - notifications.UNPUBLISHED_AFTER * 2)
    assert notifications.sweep()["published"] == 1
    wait_for(lambda: Notification.objects.get().state == "sent", 60, "the e-mail was not sent")
    for address in (team["coordinator"].email, reviewer.email):
        assert log.read_text().count(f"To: {address}") == 1, address

    def runs() -> int:
        lines = log.read_text().splitlines()
        return sum("send_notification[" in line and "succeeded" in line for line in lines)

    assert runs() == 1
    assert notifications.publish(notification.pk)  # the same message once more, as a redelivery would
    wait_for(lambda: runs() == 2, 60, "the second delivery was not run")
    for address in (team["coordinator"].email, reviewer.email):
        assert log.read_text().count(f"To: {address}") == 1, address  # still one e-mail each
