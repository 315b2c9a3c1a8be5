import smtplib

from celery import shared_task
from django.db import OperationalError

from .services import policy_notice_email


@shared_task(
    name="registration.cooperation.tasks.email_policy_notice_task",
    autoretry_for=(OperationalError, ConnectionError, smtplib.SMTPException, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def email_policy_notice_task(notice_id: int) -> int:
    """E-mail a published notice to the concerned enterprises; a second run sends nothing."""
    return policy_notice_email(notice_id=notice_id)
