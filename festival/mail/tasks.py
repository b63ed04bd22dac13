"""The mail's background task and worker-start hook, registered with the app's job queue."""

from __future__ import annotations

from festival.extensions import job_queue
from festival.mail.services import SEND_MAIL, deliver, requeue_stale_mail


@job_queue.task(SEND_MAIL)
def send_mail(mail_id: int) -> None:
    """Hand one outbox mail to the SMTP server (its state and tries are kept on the row)."""
    deliver(mail_id)


# A worker that starts queues again what a dead worker left queued or half-sent.
job_queue.on_worker_start(requeue_stale_mail)
