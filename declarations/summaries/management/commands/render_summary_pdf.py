"""Ops: render a summary declaration form to PDF (the export goods declaration form layout)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from declarations.summaries.models import SummaryForm
from declarations.summaries.pdf import render_summary_pdf


class Command(BaseCommand):
    help = "Render summary form FORM_ID to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("form_id", type=int)
        parser.add_argument("--out", required=True, metavar="FILE")

    def handle(self, *args, **options):
        form = (
            SummaryForm.objects.select_related("enterprise", "owner_enterprise")
            .filter(pk=options["form_id"])
            .first()
        )
        if form is None:
            raise CommandError(f"no summary form {options['form_id']}")
        Path(options["out"]).write_bytes(render_summary_pdf(form=form))
        self.stdout.write(options["out"])
