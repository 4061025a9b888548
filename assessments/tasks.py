from smtplib import SMTPException

from celery import shared_task

from . import notifications


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_notification(event: str, assessment_id: int, finding_id: int | None = None) -> int:
    return notifications.send(event=event, assessment_id=assessment_id, finding_id=finding_id)
