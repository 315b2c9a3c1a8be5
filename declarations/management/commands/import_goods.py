"""Ops: load an enterprise's goods register from CSV, all or nothing.

Columns (header row, UTF-8): item_no,name,description,gcode,unit,unit1,licence,export_duty,
export_rebate; flags are yes/no. Any invalid row: one ``row N: FIELD: reason`` line per
problem, nothing saved, exit 1. Otherwise ``created X, updated Y``, exit 0; rows equal to what
is stored change nothing, so a second run reports ``created 0, updated 0``.
"""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from customs_portal.errors import ApplicationError
from declarations.services.goods import IMPORT_COLUMNS, goods_import_rows
from registration.models import Enterprise


class Command(BaseCommand):
    help = "Import goods for an enterprise from CSV (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.csv")
        parser.add_argument("--enterprise", required=True, metavar="CUSTOMS_CODE")
        parser.add_argument(
            "--approve", action="store_true", help="approve the goods at once (customs import)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")

    def handle(self, *args, **options):
        code = options["enterprise"]
        enterprise = Enterprise.objects.filter(Q(customs_code=code) | Q(uscc=code)).first()
        if enterprise is None:
            raise CommandError(f"no enterprise with customs code {code}")
        if not enterprise.is_approved:
            raise CommandError(f"enterprise {code} is not approved by customs")
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in IMPORT_COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise CommandError(f"missing columns: {', '.join(missing)}")
                rows = list(reader)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"{options['file']}: {exc}") from None
        try:
            result = goods_import_rows(
                enterprise=enterprise, rows=rows, approve=options["approve"], dry_run=options["dry_run"]
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from None
        if result.errors:
            for line in result.errors:
                self.stderr.write(line)
            raise SystemExit(1)
        suffix = " (dry run: nothing saved)" if options["dry_run"] else ""
        self.stdout.write(f"created {result.created}, updated {result.updated}{suffix}")
