"""``manage.py import_summary_result FILE``: take in customs' CEB792 summary result message."""

from django.core.management.base import BaseCommand, CommandError

from customs_portal.errors import ApplicationError
from declarations.ceb import MAX_MESSAGE_BYTES


class Command(BaseCommand):
    help = "Take in a CEB792 summary result message: each form it answers is accepted or returned."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CEB792 XML file")

    def handle(self, *args, **options):
        from declarations.summaries.results import summary_result_import

        path = options["file"]
        try:
            with open(path, "rb") as handle:
                body = handle.read(MAX_MESSAGE_BYTES + 1)  # bounded: a larger file is refused unread
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        try:
            report = summary_result_import(body=body, actor=None, actor_label="ops: import_summary_result")
        except ApplicationError as exc:
            raise CommandError(str(exc)) from None
        for line in report.results:
            state = "changed" if line.changed else "unchanged (taken in before)"
            number = f" {line.form.declaration_no}" if line.outcome == "accepted" else ""
            self.stdout.write(f"{line.form} ({line.form.enterprise.name}): {line.outcome}{number} — {state}")
        self.stdout.write(f"{len(report.results)} results, {report.changed} changed")
