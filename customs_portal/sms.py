"""A pluggable SMS backend, chosen by settings.SMS_BACKEND (dotted path)."""

import sys

from django.conf import settings
from django.utils.module_loading import import_string

outbox: list[dict] = []  # the locmem backend's sent messages, for tests


class ConsoleSmsBackend:
    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()


class LocmemSmsBackend:
    def send(self, phone: str, text: str) -> None:
        outbox.append({"phone": phone, "text": text})


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
