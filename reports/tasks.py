from celery import shared_task

from . import services


class LeaseHeld(Exception):
    """Another worker holds the job's lease (e.g. this message was redelivered)."""


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(LeaseHeld,),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=services.MAX_ATTEMPTS - 1,
    soft_time_limit=240,
    time_limit=300,
    ignore_result=True,
)
def run_report_job(self, job_id: int) -> None:  # type: ignore[no-untyped-def]
    taken = services.run(job_id)
    if taken.job is None and taken.wait:
        # A redelivered message while the first worker's lease runs: try again when it ends.
        raise self.retry(countdown=min(taken.wait + 1, 330), max_retries=services.MAX_ATTEMPTS + 5)


@shared_task(ignore_result=True)
def sweep_reports() -> dict[str, int]:
    return services.sweep()
