"""Celery tasks of registration: codes leave outside the request, so that a password-reset
request takes the same time whether or not it names an account."""

import smtplib

from celery import shared_task
from django.db import OperationalError
from django.utils import translation


@shared_task(
    name="registration.tasks.send_code_task",
    autoretry_for=(OperationalError, ConnectionError, smtplib.SMTPException, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=4,
)
def send_code_task(model: str, device_id: int, purpose: str, language: str) -> bool:
    """Send the device's current code (in its user's language, whatever ``language`` the
    request had); a spent or expired code is not sent (so a late retry sends nothing stale)."""
    from .credentials import code_deliver

    with translation.override(language):
        return code_deliver(model=model, device_id=device_id, purpose=purpose)


@shared_task(
    name="registration.tasks.password_reset_code_task",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=4,
)
def password_reset_code_task(identifier: str, channel: str, language: str) -> bool:
    """Look up the account a reset request names and send it a code (outside the request)."""
    from .credentials import password_reset_code_send

    with translation.override(language):
        return password_reset_code_send(identifier=identifier, channel=channel)
