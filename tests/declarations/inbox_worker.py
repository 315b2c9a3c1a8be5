"""Real intake workers (``celery -A customs_portal worker -Q intake``) on the test's Redis.

They run with tests/declarations/inbox_worker_settings.py against the test database the test
committed its data to (so the tests using them are ``transaction=True`` on PostgreSQL).
"""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.reminders.worker import wait_for

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "intake"


def require_worker_setup():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: this test needs a real Redis for the Celery worker")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must reach the test database: run on PostgreSQL (DATABASE_URL)")


@contextlib.contextmanager
def real_broker():
    """Tasks sent from the test go to Redis (the test settings run them eagerly otherwise)."""
    from customs_portal.celery import app
    from declarations.inbox import services

    require_worker_setup()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    services._redis().delete(services._scheduled_key())
    try:
        yield
    finally:
        app.conf.task_always_eager = eager
        _forget_queue()


@contextlib.contextmanager
def intake_worker(tmp_path: Path, name: str, *, env: dict | None = None):
    log = tmp_path / f"{name}.log"
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.declarations.inbox_worker_settings",
        "PORTAL_TESTING": "1",
        "WORKER_TEST_DB_NAME": settings.DATABASES["default"]["NAME"],
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "customs_portal", "worker", "-Q", QUEUE, "-n", f"{name}@%h",
        "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
    ]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=worker_env, stdout=out, stderr=subprocess.STDOUT)
    process.log = log
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def log_tail(process) -> str:
    return process.log.read_text(errors="replace")[-6000:]


def wait_ready(process, timeout: float = 60) -> None:
    if not wait_for(lambda: "ready." in process.log.read_text(errors="replace"), timeout):
        pytest.fail(f"the worker did not start; its log:\n{log_tail(process)}")


def _forget_queue() -> None:
    """Leave nothing of this run in Redis: the queue, and a killed worker's unacknowledged task."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete(QUEUE, f"_kombu.binding.{QUEUE}", "unacked", "unacked_index", "unacked_mutex")
