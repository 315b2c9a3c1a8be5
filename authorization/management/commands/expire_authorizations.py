"""Ops: expire the authorizations that have ended and run the automatic renewals that are due.

Idempotent: a second run on the same day finds nothing to do. The same service runs daily
under Celery beat (authorization.tasks.expire_authorizations_task).
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from authorization.services import authorizations_expire_and_renew
from customs_portal.errors import ApplicationError


class Command(BaseCommand):
    help = "Expire authorizations past valid_to and renew those with automatic renewal due."

    def add_arguments(self, parser):
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="the day to run for (default: today)")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date: {options['date']!r} is not a date (YYYY-MM-DD)") from None
        try:
            result = authorizations_expire_and_renew(on_date=day)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from None
        for authorization in result["renewed"]:
            self.stdout.write(
                f"renewed {authorization.number} "
                f"({authorization.principal_name} / {authorization.agent_name}) until {authorization.valid_to}"
            )
        for authorization in result["expired"]:
            self.stdout.write(
                f"expired {authorization.number} "
                f"({authorization.principal_name} / {authorization.agent_name}), valid to {authorization.valid_to}"
            )
        self.stdout.write(f"renewed {len(result['renewed'])}, expired {len(result['expired'])}")
