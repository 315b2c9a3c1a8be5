from django.core.management.base import BaseCommand

from declarations.inbox import services


class Command(BaseCommand):
    help = "Process the messages waiting in the intake inbox (what the intake workers do)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Process one batch only.")
        parser.add_argument(
            "--retry-failed", action="store_true", help="First put the failed messages back in the queue."
        )

    def handle(self, *args, once=False, retry_failed=False, **options):
        if retry_failed:
            self.stdout.write(f"{services.inbox_retry_failed()} failed message(s) queued again")
        taken = services.inbox_process_batch() if once else services.inbox_drain(seconds=float("inf"))
        self.stdout.write(f"{taken} message(s) processed")
