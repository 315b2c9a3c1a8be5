"""Ops: print the due date (YYYY-MM-DD) of the monthly summary for the lists of a month."""

from django.core.management.base import BaseCommand, CommandError

from customs_portal.workdays import CalendarYearUnknown
from declarations.summaries.services import summary_deadline

from ._common import month_arg


class Command(BaseCommand):
    help = "Print the summary deadline (15th of the next month or the first working day after it)."

    def add_arguments(self, parser):
        parser.add_argument("month", metavar="YYYY-MM", help="the month the lists were released in")

    def handle(self, *args, **options):
        month = month_arg(options["month"])
        try:
            due = summary_deadline(month=month)
        except CalendarYearUnknown as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(due.isoformat())
