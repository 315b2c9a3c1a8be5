"""Idempotent demo data: each app contributes through its own ``demo.seed()``.

Every app that has demo data provides ``<app>/demo.py`` with
``seed(*, stdout) -> list[tuple[str, str, str]]`` returning (login, password, what it is);
running it again must change nothing. They run in dependency order, in one transaction.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = [
    "registration.demo",
    "authorization.demo",
    # the risk rules and inspection rate first, so that the demo lists are routed under them
    "declarations.channels.demo",
    "declarations.demo",
    "declarations.summaries.demo",
    "registration.cooperation.demo",
    "reminders.demo",
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo enterprises, users and history, and print the demo logins."

    def handle(self, *args, **options):
        logins: list[tuple[str, str, str]] = []
        with transaction.atomic():
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                logins.extend(module.seed(stdout=self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins:"))
        width = max((len(login) for login, _, _ in logins), default=10)
        for login, password, what in logins:
            self.stdout.write(f"  {login.ljust(width)}  {password}  {what}")
