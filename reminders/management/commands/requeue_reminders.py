from django.core.management.base import BaseCommand

from reminders.services import reminders_requeue_undelivered


class Command(BaseCommand):
    help = (
        "Queue again the delivery (e-mail/SMS) of reminders not delivered in the last two days whose "
        "task was lost (the beat sweep, run by hand): one line per reminder "
        "(KIND STAGE ENTERPRISE_CUSTOMS_CODE SUBJECT DUE_DATE), then 'requeued N'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be queued, queue nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        reminders = reminders_requeue_undelivered(dry_run=dry_run)
        for r in reminders:
            self.stdout.write(
                f"{r.kind} {r.stage} {r.enterprise.customs_code or '-'} {r.subject} {r.due_date.isoformat()}"
            )
        self.stdout.write(f"requeued {len(reminders)}")
