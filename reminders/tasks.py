"""Celery tasks: thin wrappers around the services, taking ids and dates, safe to run twice."""

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .services import reminder_deliver, reminders_send

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, ConnectionError, smtplib.SMTPException, TimeoutError)


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
    name="reminders.tasks.deliver_reminder_task",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def deliver_reminder_task(reminder_id: int) -> bool:
    return reminder_deliver(reminder_id=reminder_id)
