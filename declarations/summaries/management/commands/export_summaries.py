"""Ops: print a month's summary forms and statistics as JSON, or its goods lines as CSV."""

import json

from django.core.management.base import BaseCommand

from declarations.summaries.exports import month_csv, month_export
from registration.models import Enterprise

from ._common import enterprise_arg, month_arg


class Command(BaseCommand):
    help = "Export a month's summary declaration forms (JSON) or their lines (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, metavar="YYYY-MM")
        parser.add_argument("--enterprise", metavar="CUSTOMS_CODE")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **options):
        month = month_arg(options["month"])
        enterprise = enterprise_arg(options["enterprise"])
        enterprises = [enterprise] if enterprise else Enterprise.objects.all()
        data = month_export(month=month, enterprises=enterprises)
        if options["format"] == "csv":
            self.stdout.write(month_csv(data), ending="")
        else:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
