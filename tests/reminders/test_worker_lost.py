"""Reminders survive a dying worker, through a real Celery worker on Redis, and go out once.

The worker process sending a reminder is killed (SIGKILL, as the kernel's OOM killer does),
a delivery task is lost, the sweep meets a delivery still in progress: each time the trader
gets the e-mail exactly once.
"""

import datetime as dt
import os
import signal
import time

import pytest
from django.utils import timezone

from reminders.models import Reminder

from .conftest import d
from .worker import real_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SEND = "reminders.tasks.send_reminders_task"
DELIVER = "reminders.tasks.deliver_reminder_task"
SWEEP = "reminders.tasks.requeue_reminders_task"


def delivered() -> bool:
    return Reminder.objects.filter(delivered_at__isnull=False).exists()


def test_a_reminder_whose_worker_process_is_killed_while_sending_is_delivered_once_afterwards(
    enterprise, trader, tmp_path
):
    # a pool of one process; a delivery lease of 3 s, so the test need not wait out ten minutes
    with real_worker(
        tmp_path, pool="prefork", concurrency=1, env={"WORKER_TEST_DELIVERY_LEASE": "3"}
    ) as worker:
        worker.block_sending()
        assert worker.send(SEND, date="2026-06-29").get(timeout=120) == 1
        sender = worker.blocked_sender_pid()
        assert worker.mails_to(trader.email) == 0
        os.kill(sender, signal.SIGKILL)  # the process dies in the middle of sending
        worker.unblock()
        assert wait_for(delivered, 90), f"the reminder was lost; worker log:\n{worker.log_tail()}"
        time.sleep(4)  # past the lease: nothing else goes out
        assert worker.mails_to(trader.email) == 1
        assert "WorkerLostError" in worker.log_tail()
        assert Reminder.objects.get().delivery_attempts == 2  # the dead process's, then one more


def test_the_sweep_requeues_a_reminder_whose_delivery_task_was_lost_and_it_goes_out_once(
    enterprise, trader, tmp_path, monkeypatch
):
    import reminders.services as services

    monkeypatch.setattr(services, "_queue_deliveries", lambda ids: None)  # the message is lost
    sent, _ = services.reminders_send(today=d("2026-06-29"))
    assert len(sent) == 1
    Reminder.objects.update(created_at=timezone.now() - dt.timedelta(minutes=20))
    with real_worker(tmp_path) as worker:
        assert worker.send(SWEEP).get(timeout=120) == 1
        assert wait_for(delivered, 60), f"no delivery; worker log:\n{worker.log_tail()}"
        assert worker.mails_to(trader.email) == 1
        # the next sweeps find nothing left to send
        assert worker.send(SWEEP).get(timeout=60) == 0
        assert worker.mails_to(trader.email) == 1


def test_the_sweep_meeting_a_delivery_still_in_progress_does_not_send_it_twice(enterprise, trader, tmp_path):
    # two pool processes: one stuck sending, one free for the sweep and a duplicate task
    with real_worker(
        tmp_path, pool="prefork", concurrency=2, env={"WORKER_TEST_DELIVERY_LEASE": "30"}
    ) as worker:
        worker.block_sending()
        assert worker.send(SEND, date="2026-06-29").get(timeout=120) == 1
        worker.blocked_sender_pid()
        reminder = Reminder.objects.get()
        # old enough for the sweep by every clock but the lease, which still runs
        long_ago = timezone.now() - dt.timedelta(minutes=20)
        Reminder.objects.update(created_at=long_ago, delivery_queued_at=long_ago)
        assert worker.send(SWEEP).get(timeout=60) == 0
        # a second copy of the delivery task (a message the broker handed out again) waits too
        duplicate = worker.send(DELIVER, reminder.pk)
        assert wait_for(lambda: duplicate.state == "RETRY", 30), worker.log_tail()
        assert worker.mails_to(trader.email) == 0
        worker.unblock()  # the slow delivery finishes
        assert wait_for(delivered, 60), worker.log_tail()
        assert duplicate.get(timeout=90) is False  # looked again once the lease was over: done
        assert worker.mails_to(trader.email) == 1
