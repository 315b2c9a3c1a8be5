"""The once-only rule (also under concurrency), catch-up after missed days, opt-out, delivery."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from notifications.models import Notification
from reminders.models import Reminder, ReminderOptOut
from reminders.services import reminder_deliver, reminder_preferences_set, reminders_send

from .conftest import aware, d, stages
from .factories import enterprise_history

KIND = "annual_report"


@pytest.mark.django_db
def test_running_the_job_twice_on_one_day_sends_once(run_reminders, enterprise, trader, mailoutbox):
    assert len(run_reminders("2026-06-29")) == 1
    assert run_reminders("2026-06-29") == []
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(user=trader).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_stage_missed_while_the_job_was_down_is_sent_once_on_the_next_run(
    run_reminders, enterprise, trader
):
    run_reminders("2026-06-22")  # D-30 stage (since 31 May)
    # the job did not run on 06-23 (D-7) nor 06-24
    assert stages(run_reminders("2026-06-25"), KIND) == [(KIND, "D-7", "AR-2025")]
    assert stages(run_reminders("2026-06-26"), KIND) == []


@pytest.mark.django_db
def test_catch_up_sends_the_latest_missed_stage_not_every_overtaken_one(run_reminders, enterprise, trader):
    run_reminders("2026-06-23")  # D-7
    # down from 06-24 to 07-02: D-1 (06-29) and OVERDUE (07-01) both passed; the overdue one goes
    assert stages(run_reminders("2026-07-03"), KIND) == [(KIND, "OVERDUE", "AR-2025")]


@pytest.mark.django_db
def test_a_subject_resolved_while_the_job_was_down_gets_nothing(run_reminders, enterprise, trader):
    from registration.cooperation.models import AnnualReport

    run_reminders("2026-06-22")
    AnnualReport.objects.create(
        enterprise=enterprise,
        year=2025,
        contact_name="Li",
        contact_phone="1",
        contact_email="a@example.com",
        staff_count=1,
        declared_true=True,
    )
    assert stages(run_reminders("2026-06-25"), KIND) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_the_same_moment_send_each_reminder_once(enterprise_factory, trader_factory):
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency guarantee is PostgreSQL's ON CONFLICT under concurrent transactions")
    enterprises = [enterprise_factory() for _ in range(5)]
    for e in enterprises:
        trader_factory(e)
    barrier = threading.Barrier(2)
    results, failures = [], []

    def worker():
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            sent, _ = reminders_send(today=d("2026-06-29"))
            results.append(len(sent))
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    assert sum(results) == 5  # between them, each reminder exactly once
    assert Reminder.objects.filter(kind=KIND).count() == 5
    assert Notification.objects.filter(kind=KIND).count() == 5


@pytest.mark.django_db
def test_a_user_can_switch_off_a_kind_that_is_not_legally_required(
    run_reminders, enterprise_factory, trader_factory
):
    from registration.models import Enterprise

    e = enterprise_factory(approved=False, review_note="Fix the address")
    Enterprise.objects.filter(pk=e.pk).update(status="corrections_requested")
    enterprise_history(e, to_status="corrections_requested", at=aware("2026-03-02"))
    quiet, loud = trader_factory(e), trader_factory(e)
    reminder_preferences_set(user=quiet, enabled_kinds=[])
    run_reminders("2026-03-02")
    assert Notification.objects.filter(user=loud, kind="waiting").count() == 1
    assert Notification.objects.filter(user=quiet, kind="waiting").count() == 0


@pytest.mark.django_db
def test_legally_required_kinds_cannot_be_switched_off(run_reminders, enterprise, trader):
    reminder_preferences_set(user=trader, enabled_kinds=[])
    assert not ReminderOptOut.objects.filter(
        user=trader, kind__in=["annual_report", "summary_deadline"]
    ).exists()
    run_reminders("2026-06-29")
    assert Notification.objects.filter(user=trader, kind=KIND).count() == 1


@pytest.mark.django_db
def test_delivering_a_reminder_twice_sends_the_mail_once(enterprise, trader, mailoutbox, sms_outbox):
    reminders_send(today=d("2026-06-29"))  # on_commit not run: nothing delivered yet
    reminder = Reminder.objects.get()
    assert reminder_deliver(reminder_id=reminder.pk) is True
    assert reminder_deliver(reminder_id=reminder.pk) is False
    assert len(mailoutbox) == 1
    assert len(sms_outbox) == 1
    reminder.refresh_from_db()
    assert reminder.delivered_at is not None


@pytest.mark.django_db
def test_send_reminders_command_prints_one_line_per_reminder_then_the_count(enterprise, trader):
    out = StringIO()
    call_command("send_reminders", "--date", "2026-06-29", stdout=out)
    assert out.getvalue().splitlines() == [
        f"annual_report D-1 {enterprise.customs_code} AR-2025 2026-06-30",
        "sent 1",
    ]
    out = StringIO()
    call_command("send_reminders", "--date", "2026-06-29", stdout=out)
    assert out.getvalue().splitlines() == ["sent 0"]


@pytest.mark.django_db
def test_dry_run_prints_what_would_be_sent_and_sends_nothing(enterprise, trader, mailoutbox):
    out = StringIO()
    call_command("send_reminders", "--date", "2026-07-01", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        f"annual_report OVERDUE {enterprise.customs_code} AR-2025 2026-06-30",
        "sent 1",
    ]
    assert Reminder.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_send_reminders_rejects_a_malformed_date(enterprise):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "30/06/2026", stdout=StringIO())
    assert Reminder.objects.count() == 0


@pytest.mark.django_db
def test_the_celery_task_runs_the_same_service(
    enterprise, trader, django_capture_on_commit_callbacks, mailoutbox
):
    from reminders.tasks import send_reminders_task

    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders_task.delay("2026-06-29").get() == 1
    assert Reminder.objects.get().delivered_at is not None
    assert len(mailoutbox) == 1
    assert send_reminders_task.delay("2026-06-29").get() == 0


@pytest.mark.django_db
def test_header_shows_the_unread_count_and_marking_read_clears_it(run_reminders, enterprise, trader, client):
    run_reminders("2026-06-29")
    client.force_login(trader)
    page = client.get("/reminders/notifications/")
    assert 'class="badge"' in page.content.decode()
    client.post("/reminders/notifications/read/")
    page = client.get("/reminders/notifications/")
    assert 'class="badge"' not in page.content.decode()


@pytest.mark.django_db
def test_preferences_page_switches_off_optional_kinds_only(client, trader):
    client.force_login(trader)
    assert client.get("/reminders/preferences/").status_code == 200
    response = client.post("/reminders/preferences/", {"kind": ["authorization_expiring"]})
    assert response.status_code == 302
    assert set(ReminderOptOut.objects.filter(user=trader).values_list("kind", flat=True)) >= {"waiting"}
    assert not ReminderOptOut.objects.filter(user=trader, kind="authorization_expiring").exists()


def test_preferences_page_needs_a_signed_in_user(client, db):
    assert client.get("/reminders/preferences/").status_code == 302
