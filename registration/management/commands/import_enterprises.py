"""import_enterprises FILE.csv [--dry-run]: onboard enterprises already registered with customs."""

import csv

from django.core.management.base import BaseCommand, CommandError

from registration.onboarding import COLUMNS, enterprise_import


class Command(BaseCommand):
    help = (
        "Create or update (keyed by USCC) approved enterprises from a UTF-8 CSV with the header "
        + ",".join(COLUMNS)
        + ". Every row is checked first; with any problem nothing is saved and the exit code is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")

    def handle(self, *args, file, dry_run, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                header = reader.fieldnames or []
                rows = list(reader)
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file}: not UTF-8") from None
        result = enterprise_import(rows=rows, header=header, dry_run=dry_run)
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise SystemExit(1)
        prefix = "dry run, nothing saved: would have " if dry_run else ""
        self.stdout.write(f"{prefix}created {result.created}, updated {result.updated}")
