import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.services import reminders_send


class Command(BaseCommand):
    help = (
        "Send the reminders due on a day (default today): one line per reminder "
        "(KIND STAGE ENTERPRISE_CUSTOMS_CODE SUBJECT DUE_DATE), then 'sent N'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent, send nothing")

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}")
        sent, errors = reminders_send(today=today, dry_run=dry_run)
        for due in sent:
            self.stdout.write(due.line())
        self.stdout.write(f"sent {len(sent)}")
        for error in errors:
            self.stderr.write(str(error))
        if errors:
            raise CommandError(f"{len(errors)} reminder kind(s) could not run")
