from celery import shared_task

from . import notifications


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=notifications.MAX_ATTEMPTS - 1,
    ignore_result=True,
)
def send_notification(notification_id: int) -> int:
    return notifications.send(notification_id=notification_id)


@shared_task(ignore_result=True)
def sweep_notifications() -> dict[str, int]:
    return notifications.sweep()
