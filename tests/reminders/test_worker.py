"""A reminder end to end through a real Celery worker on the test machine's Redis."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from reminders.models import Notification, Reminder

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_a_reminder_goes_through_a_real_worker_on_redis_end_to_end(enterprise, trader, tmp_path):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: this test needs a real Redis for the Celery worker")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must reach the test database: run on PostgreSQL (DATABASE_URL)")

    from customs_portal.celery import app

    queue = f"test-reminders-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
        "PORTAL_TESTING": "1",
        "REDIS_URL": redis_url,
        "WORKER_TEST_DB_NAME": settings.DATABASES["default"]["NAME"],
        "WORKER_TEST_QUEUE": queue,
        "WORKER_TEST_MAIL_DIR": str(mail_dir),
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "customs_portal",
        "worker",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--pool=solo",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with open(log, "wb") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # this test talks to the real broker
    try:
        result = app.send_task(
            "reminders.tasks.send_reminders_task", kwargs={"date": "2026-06-29"}, queue=queue
        )
        try:
            sent = result.get(timeout=120)
        except Exception as exc:  # noqa: BLE001 - show the worker's log with the failure
            pytest.fail(f"the worker did not run the task ({exc!r}); worker log:\n{log.read_text()[-4000:]}")
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
        delivered = _wait_for(lambda: Reminder.objects.filter(delivered_at__isnull=False).exists(), 60)
        assert delivered, f"no delivery; worker log:\n{log.read_text()[-4000:]}"
        mails = "".join(p.read_text() for p in mail_dir.iterdir())
        assert f"To: {trader.email}" in mails
        # running it again through the worker sends nothing more
        again = app.send_task(
            "reminders.tasks.send_reminders_task", kwargs={"date": "2026-06-29"}, queue=queue
        )
        assert again.get(timeout=60) == 0
        assert Reminder.objects.count() == 1
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        _forget_queue(redis_url, queue)


def _forget_queue(redis_url: str, queue: str) -> None:
    """Leave nothing of this run's queue behind in Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
