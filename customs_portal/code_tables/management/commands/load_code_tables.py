"""Ops: load an edition of China Customs' parameter code tables.

    manage.py load_code_tables                          # the shipped edition (data/README.md)
    manage.py load_code_tables --edition 2025-01 FILE.csv

FILE.csv: UTF-8, header ``table,code,name_zh,name_en``; tables country, currency, transport,
customs, unit, trade_mode. Prints ``edition E: added A, changed C, retired R, unchanged U`` and
one line per added/changed/retired code (``--quiet``: the summary only). A malformed file
names its bad lines, loads nothing and exits 1. Loading the same edition again changes nothing.
Running web processes read the new names within five minutes (``lookup.REFRESH_SECONDS``).
"""

from django.core.management.base import BaseCommand, CommandError

from customs_portal.code_tables.services import code_tables_load
from customs_portal.errors import ApplicationError


class Command(BaseCommand):
    help = "Load an edition of the customs code tables (default: the edition the portal ships)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", metavar="FILE.csv", help="an edition file (default: shipped)")
        parser.add_argument("--edition", help="the edition's name (default: the file's name)")
        parser.add_argument("--quiet", action="store_true", help="print the summary line only")

    def handle(self, *args, **options):
        try:
            result = code_tables_load(path=options["path"], edition=options["edition"])
        except ApplicationError as exc:
            raise CommandError(str(exc)) from None
        if not options["quiet"]:
            for kind, keys in (
                ("added", result.added),
                ("changed", result.changed),
                ("retired", result.retired),
            ):
                for table, code in keys:
                    self.stdout.write(f"{kind} {table} {code}")
        self.stdout.write(
            f"edition {result.edition}: added {len(result.added)}, changed {len(result.changed)}, "
            f"retired {len(result.retired)}, unchanged {result.unchanged}"
        )
