"""What brings a lost reminder delivery back, and what keeps it from going out twice: the
worker's settings, the delivery lease, the sweep and its command (the real worker is in
test_worker_lost.py)."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from reminders import services, tasks
from reminders.models import Reminder
from reminders.services import ReminderDeliveryBusy, reminder_deliver, reminders_send

from .conftest import d

SWEEP = "reminders.tasks.requeue_reminders_task"


def test_tasks_of_a_dying_worker_go_back_to_the_queue_and_redis_hands_them_out_again_in_time():
    from customs_portal.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    # shorter than Redis' default hour, longer than any countdown a task waits (retry backoff
    # up to 600 s, a delivery waiting out its lease): otherwise a waiting task would run twice
    assert max(600, services.DELIVERY_LEASE) < visibility < 3600
    # a delivery is stopped before its lease can expire under it
    deliver = app.tasks["reminders.tasks.deliver_reminder_task"]
    assert deliver.soft_time_limit < deliver.time_limit < services.DELIVERY_LEASE
    # beat runs the sweep every few minutes
    sweeps = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == SWEEP]
    assert len(sweeps) == 1 and SWEEP in app.tasks
    assert sweeps[0]["schedule"].minute == set(range(0, 60, 5))


def lost_reminder(minutes_ago: int = 20) -> Reminder:
    """Today's reminder whose delivery task never ran (the job's on-commit callbacks are not run
    here), as if it had been written ``minutes_ago``."""
    reminders_send(today=d("2026-06-29"))
    Reminder.objects.update(created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return Reminder.objects.get()


@pytest.mark.django_db
def test_requeue_reminders_delivers_a_lost_reminder_once(
    enterprise, trader, mailoutbox, sms_outbox, django_capture_on_commit_callbacks
):
    lost_reminder()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        f"annual_report D-1 {enterprise.customs_code} AR-2025 2026-06-30",
        "requeued 1",
    ]
    assert [m.to for m in mailoutbox] == [[trader.email]]
    assert len(sms_outbox) == 1
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_reminders", stdout=out)
    assert out.getvalue().splitlines() == ["requeued 0"]
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_requeue_reminders_dry_run_lists_and_queues_nothing(
    enterprise, trader, mailoutbox, django_capture_on_commit_callbacks
):
    lost_reminder()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_reminders", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[-1] == "requeued 1"
    assert mailoutbox == []
    assert Reminder.objects.get().delivery_queued_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    ["just written", "delivered", "being delivered", "two days old", "given up"],
)
def test_the_sweep_leaves_alone_what_is_not_a_lost_delivery(state, enterprise, trader, mailoutbox):
    reminder = lost_reminder()
    now = timezone.now()
    changes = {
        "just written": {"created_at": now - dt.timedelta(minutes=2)},
        "delivered": {"delivered_at": now - dt.timedelta(minutes=19)},
        "being delivered": {"delivery_lease_until": now + dt.timedelta(minutes=1)},
        "two days old": {"created_at": now - dt.timedelta(days=2, minutes=1)},
        "given up": {"delivery_attempts": services.DELIVERY_MAX_ATTEMPTS},
    }[state]
    Reminder.objects.filter(pk=reminder.pk).update(**changes)
    assert services.reminders_requeue_undelivered() == []
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_delivery_under_a_live_lease_sends_nothing_until_the_lease_has_expired(
    enterprise, trader, mailoutbox, sms_outbox
):
    reminder = lost_reminder()
    # a worker claimed it and is still sending (or died sending) for 5 more minutes
    lease = timezone.now() + dt.timedelta(minutes=5)
    Reminder.objects.filter(pk=reminder.pk).update(delivery_lease_until=lease, delivery_attempts=1)
    with pytest.raises(ReminderDeliveryBusy) as busy:
        reminder_deliver(reminder_id=reminder.pk)
    assert 290 < busy.value.retry_in <= 300
    assert mailoutbox == [] and sms_outbox == []
    # the sweep does not take it either, even once it is old by its other clocks
    Reminder.objects.filter(pk=reminder.pk).update(
        delivery_queued_at=timezone.now() - dt.timedelta(minutes=20)
    )
    assert services.reminders_requeue_undelivered() == []
    # the lease ran out with nothing delivered: the claimant is gone, the next attempt sends
    Reminder.objects.filter(pk=reminder.pk).update(delivery_lease_until=timezone.now())
    assert reminder_deliver(reminder_id=reminder.pk) is True
    assert reminder_deliver(reminder_id=reminder.pk) is False
    assert len(mailoutbox) == 1 and len(sms_outbox) == 1
    reminder.refresh_from_db()
    assert reminder.delivery_lease_until is None and reminder.delivery_attempts == 2


@pytest.mark.django_db
def test_a_failed_send_releases_the_lease_so_the_retry_sends_at_once(
    enterprise, trader, mailoutbox, settings
):
    reminder = lost_reminder()
    settings.EMAIL_BACKEND = "tests.reminders.mail_backends.RefusingBackend"
    with pytest.raises(ConnectionError):
        reminder_deliver(reminder_id=reminder.pk)
    reminder.refresh_from_db()
    assert reminder.delivery_lease_until is None and reminder.delivered_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminder_deliver(reminder_id=reminder.pk) is True
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_delivery_task_waits_out_a_live_lease_instead_of_failing(enterprise, trader, monkeypatch):
    reminder = lost_reminder()
    Reminder.objects.filter(pk=reminder.pk).update(
        delivery_lease_until=timezone.now() + dt.timedelta(seconds=100)
    )
    countdowns = []

    def retry(*, countdown, exc):
        countdowns.append(countdown)
        return RuntimeError("retried")

    monkeypatch.setattr(tasks.deliver_reminder_task, "retry", retry)
    with pytest.raises(RuntimeError, match="retried"):
        tasks.deliver_reminder_task.run(reminder.pk)
    assert 99 < countdowns[0] <= 101
