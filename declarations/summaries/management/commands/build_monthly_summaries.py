"""Ops: build (or rebuild) the monthly summary declarations of a month.

Prints ``forms F, lines L, inventories I, statistics S``. Drafts are replaced, submitted
forms never touched; running it twice on unchanged data changes nothing. The same service
runs under Celery beat on the 1st of each month for the month before.
"""

from django.core.management.base import BaseCommand, CommandError

from customs_portal.errors import ApplicationError
from declarations.summaries.services import summaries_build_month

from ._common import enterprise_arg, month_arg


class Command(BaseCommand):
    help = "Build the monthly summary declarations (eight-same merge and statistics) of a month."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, metavar="YYYY-MM")
        parser.add_argument("--enterprise", metavar="CUSTOMS_CODE", help="only this e-commerce enterprise")

    def handle(self, *args, **options):
        month = month_arg(options["month"])
        enterprise = enterprise_arg(options["enterprise"])
        try:
            result = summaries_build_month(month=month, enterprise=enterprise)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(result))
        for code, message in result.errors:
            self.stderr.write(f"{code}: {message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} enterprise(s) not built, see above")
