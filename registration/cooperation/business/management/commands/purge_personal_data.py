from django.core.management.base import BaseCommand

from registration.cooperation.business.data import personal_data_purge


class Command(BaseCommand):
    help = "Purge closed personal data older than the retention period set in admin, and log what was purged."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be purged; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        result = personal_data_purge(dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"would purge (closed before {result['cutoff']:%Y-%m-%d}): {result['join_requests']} requests "
                f"to join, {result['members']} removed members' contact details, {result['archives']} archives"
            )
        else:
            self.stdout.write(
                f"purged (closed before {result.cutoff:%Y-%m-%d}): {result.join_requests} requests to join, "
                f"{result.members} removed members' contact details, {result.archives} archives "
                f"(log entry {result.pk})"
            )
