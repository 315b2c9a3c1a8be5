"""Ops: import a broker's authorizations from CSV or XLSX, all or nothing.

Columns (header row): principal_uscc, contact_name, contact_phone, contact_email, scope,
valid_from, valid_to, auto_renew. Any invalid row: one ``row N: FIELD: reason`` line per
problem (N counts data rows from 1), nothing saved, exit 1. Otherwise ``created X, updated Y``,
exit 0; rows equal to what is stored change nothing, so a second run reports
``created 0, updated 0``. Imported authorizations await the principal's confirmation (or go
straight to review where the principal confirms automatically).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from authorization.imports import import_rows, read_table
from customs_portal.errors import ApplicationError
from registration.models import Enterprise


class Command(BaseCommand):
    help = "Import declaration authorizations for a customs broker (the agent) from CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--agent", required=True, metavar="CUSTOMS_CODE")
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")

    def handle(self, *args, **options):
        code = options["agent"]
        agent = Enterprise.objects.filter(Q(customs_code=code) | Q(uscc=code)).first()
        if agent is None:
            raise CommandError(f"no enterprise with customs code {code}")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from None
        try:
            header, rows = read_table(content, path.name)
            result = import_rows(agent=agent, rows=rows, header=header, dry_run=options["dry_run"])
        except ApplicationError as exc:
            raise CommandError(str(exc)) from None
        if not result.is_valid:
            for line in result.errors:
                self.stderr.write(line)
            raise SystemExit(1)
        suffix = " (dry run: nothing saved)" if options["dry_run"] else ""
        self.stdout.write(f"created {result.created}, updated {result.updated}{suffix}")
