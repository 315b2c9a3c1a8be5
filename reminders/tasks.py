"""Celery tasks: thin wrappers around the services, taking ids and dates, safe to run twice.

The worker acknowledges a task only once it has run (``task_acks_late``) and hands a task whose
process died back to the queue (``task_reject_on_worker_lost``); settings.py holds both and the
broker's visibility timeout. The delivery's lease (services.reminder_deliver) keeps a task that
runs twice from mailing twice.
"""

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .services import ReminderDeliveryBusy, reminder_deliver, reminders_requeue_undelivered, reminders_send

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, ConnectionError, smtplib.SMTPException, TimeoutError)

# One delivery may take this long; the pool stops it then. Both stay below the delivery lease
# (services.DELIVERY_LEASE, 600 s), so a lease never expires on a worker still sending.
DELIVERY_SOFT_TIME_LIMIT = 240
DELIVERY_TIME_LIMIT = 300


@shared_task(
    name="reminders.tasks.send_reminders_task",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_reminders_task(date: str | None = None) -> int:
    """The daily reminder run (beat: every morning); ``date`` as YYYY-MM-DD, default today."""
    today = dt.date.fromisoformat(date) if date else timezone.localdate()
    sent, errors = reminders_send(today=today)
    for error in errors:
        logger.error("send_reminders %s: %s", today, error)
    return len(sent)


@shared_task(
    bind=True,
    name="reminders.tasks.deliver_reminder_task",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    soft_time_limit=DELIVERY_SOFT_TIME_LIMIT,
    time_limit=DELIVERY_TIME_LIMIT,
)
def deliver_reminder_task(self, reminder_id: int) -> bool:
    try:
        return reminder_deliver(reminder_id=reminder_id)
    except ReminderDeliveryBusy as busy:
        # another worker is sending it, or died sending it: look again when its lease has ended
        raise self.retry(countdown=busy.retry_in + 1, exc=busy)


@shared_task(
    name="reminders.tasks.requeue_reminders_task",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=2,
)
def requeue_reminders_task() -> int:
    """The sweep (beat: every 5 minutes): queue again the reminders whose delivery was lost."""
    return len(reminders_requeue_undelivered())
