"""Reminder benchmark: the daily reminder run for N enterprises, next to plain SQL.

Not a test. Run on PostgreSQL (a database of its own: the script migrates it, and clears the
reminders and notifications it made on the next run):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p_reminder_bench \
        python bench/reminders.py --enterprises 20000

The day is 29 June: every approved enterprise without its annual report for last year gets the
"one day before the window closes" reminder, and each of its users an in-portal notification.
The portal's run is ``reminders.services.reminders_send`` (decide what is due, insert the
reminders once-only with ON CONFLICT DO NOTHING, read back the winners, find the recipients,
write the notifications; e-mail and SMS are left to the worker, so the queueing is counted
but not sent). The raw run is the same work as two SQL statements on scratch tables of the
same shape: INSERT … SELECT … ON CONFLICT DO NOTHING for the reminders, then INSERT … SELECT
for the notifications. A second portal run checks the once-only rule (it must send nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")

TODAY = dt.date(2026, 6, 29)
PREFIX = "39"  # bench enterprises' customs codes start with this


def setup_django():
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (the bench writes to it).")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_enterprises(count: int) -> None:
    """``count`` approved enterprises (approved in 2024), two users each; a tenth filed last year's report."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from registration.cooperation.models import AnnualReport, AnnualReportStatus
    from registration.models import Enterprise, EnterpriseStatus

    User = get_user_model()
    have = Enterprise.objects.filter(customs_code__startswith=PREFIX).count()
    if have >= count:
        return
    approved_at = timezone.make_aware(dt.datetime(2024, 3, 1))
    new = []
    for i in range(have, count):
        e = Enterprise(
            name=f"Bench Enterprise {i}",
            uscc=f"9131BENCH{i:09d}",
            customs_code=f"{PREFIX}{i:08d}",
            contact_name="Bench",
            contact_phone="13800000000",
            contact_email=f"bench{i}@example.com",
            is_ecommerce=True,
            approved_at=approved_at,
        )
        e.__dict__["status"] = EnterpriseStatus.APPROVED
        new.append(e)
    Enterprise.objects.bulk_create(new, batch_size=2000)
    created = list(Enterprise.objects.filter(customs_code__in=[e.customs_code for e in new]))
    User.objects.bulk_create(
        [
            User(
                username=f"bench-{e.customs_code}-{n}",
                enterprise=e,
                email=f"{n}.{e.customs_code}@example.com",
            )
            for e in created
            for n in (1, 2)
        ],
        batch_size=2000,
    )
    AnnualReport.objects.bulk_create(
        [
            AnnualReport(
                enterprise=e,
                year=TODAY.year - 1,
                business_status=AnnualReport._meta.get_field("business_status").choices[0][0],
                contact_name="Bench",
                contact_phone="13800000000",
                contact_email="bench@example.com",
                import_volume=0,
                export_volume=0,
                staff_count=1,
                declared_true=True,
                status=AnnualReportStatus.SUBMITTED,
            )
            for e in created
            if int(e.customs_code[-3:]) % 10 == 0
        ],
        batch_size=2000,
    )


def clear_previous_runs() -> None:
    from notifications.models import Notification
    from reminders.models import Reminder

    Notification.objects.filter(enterprise__customs_code__startswith=PREFIX).delete()
    Reminder.objects.filter(due_date=dt.date(TODAY.year, 6, 30)).delete()


def portal_run() -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import reminders.services as services

    queued: list[int] = []
    original = services._queue_deliveries
    services._queue_deliveries = lambda ids: queued.extend(ids)
    try:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            sent, errors = services.reminders_send(today=TODAY)
            elapsed = time.perf_counter() - start
    finally:
        services._queue_deliveries = original
    if errors:
        sys.exit(f"reminder kinds failed: {errors}")
    return elapsed, len(sent), len(queries)


RAW_SETUP = """
DROP TABLE IF EXISTS bench_reminder, bench_notification;
CREATE TABLE bench_reminder (LIKE reminders_reminder INCLUDING ALL);
CREATE TABLE bench_notification (LIKE reminders_notification INCLUDING ALL);
"""

RAW_RUN = """
WITH sent AS (
  INSERT INTO bench_reminder (kind, subject, due_date, stage, enterprise_id, title, body, link, sms,
                              run_token, created_at, delivered_at)
  SELECT 'annual_report', 'AR-' || %(year)s, %(due)s, '1', e.id, 'Annual report due', '', '/cooperation/',
         false, 'raw', now(), NULL
  FROM registration_enterprise e
  WHERE e.status = 'approved' AND e.approved_at < %(start_of_year)s
    AND NOT EXISTS (SELECT 1 FROM cooperation_annualreport r
                    WHERE r.enterprise_id = e.id AND r.year = %(year)s
                      AND r.status IN ('submitted', 'accepted'))
  ON CONFLICT DO NOTHING
  RETURNING id, enterprise_id, kind, title, body, link
)
INSERT INTO bench_notification (user_id, enterprise_id, kind, title, body, link, created_at, read_at)
SELECT u.id, s.enterprise_id, s.kind, s.title, s.body, s.link, now(), NULL
FROM sent s JOIN registration_user u ON u.enterprise_id = s.enterprise_id AND u.is_active;
"""


def raw_run() -> tuple[float, int]:
    from django.db import connection, transaction
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(RAW_SETUP)
    params = {
        "year": TODAY.year - 1,
        "due": dt.date(TODAY.year, 6, 30),
        "start_of_year": timezone.make_aware(dt.datetime(TODAY.year, 1, 1)),
    }
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(RAW_RUN, params)
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_reminder")
        (count,) = cursor.fetchone()
        cursor.execute("DROP TABLE bench_reminder, bench_notification")
    return elapsed, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20000)
    args = parser.parse_args()
    setup_django()
    ensure_enterprises(args.enterprises)
    clear_previous_runs()
    raw_seconds, raw_count = raw_run()
    portal_seconds, sent, queries = portal_run()
    again_seconds, again, _ = portal_run()
    print(f"enterprises: {args.enterprises}, day {TODAY}")
    print(f"portal reminders_send: {sent} reminders in {portal_seconds:.3f} s, {queries} queries")
    print(f"raw SQL (same rows):   {raw_count} reminders in {raw_seconds:.3f} s")
    print(f"ratio portal/raw: {portal_seconds / raw_seconds:.1f}x")
    print(f"second run (once-only): sent {again} in {again_seconds:.3f} s")
    if again:
        sys.exit("once-only rule broken: the second run sent reminders")


if __name__ == "__main__":
    main()
