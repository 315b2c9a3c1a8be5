"""A reminder end to end through a real Celery worker on the test machine's Redis."""

import pytest

from notifications.models import Notification
from reminders.models import Reminder

from .worker import real_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_reminder_goes_through_a_real_worker_on_redis_end_to_end(enterprise, trader, tmp_path):
    with real_worker(tmp_path) as worker:
        result = worker.send("reminders.tasks.send_reminders_task", date="2026-06-29")
        try:
            sent = result.get(timeout=120)
        except Exception as exc:  # noqa: BLE001 - show the worker's log with the failure
            pytest.fail(f"the worker did not run the task ({exc!r}); worker log:\n{worker.log_tail()}")
        assert sent == 1
        # the worker wrote the reminder and the notification to the test database …
        reminder = Reminder.objects.get()
        assert (reminder.kind, reminder.stage, reminder.enterprise_id) == (
            "annual_report",
            "D-1",
            enterprise.pk,
        )
        assert Notification.objects.filter(user=trader, kind="annual_report").count() == 1
        # … and its delivery task (queued on commit, run by the same worker) sent the e-mail
        delivered = wait_for(lambda: Reminder.objects.filter(delivered_at__isnull=False).exists(), 60)
        assert delivered, f"no delivery; worker log:\n{worker.log_tail()}"
        assert worker.mails_to(trader.email) == 1
        # running it again through the worker sends nothing more
        again = worker.send("reminders.tasks.send_reminders_task", date="2026-06-29")
        assert again.get(timeout=60) == 0
        assert Reminder.objects.count() == 1
