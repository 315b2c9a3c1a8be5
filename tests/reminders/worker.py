"""A real Celery worker on the test machine's Redis, for the tests marked ``worker``.

It runs with tests/reminders/worker_settings.py: the test database the test committed its data
to, the test's own queue (so parallel runs on one Redis never take each other's tasks), e-mail
written to files the test reads.
"""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout: float, step: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


@dataclass
class Worker:
    process: subprocess.Popen
    queue: str
    mail_dir: Path
    log: Path
    block_file: Path
    pid_file: Path

    def send(self, name: str, *args, **kwargs):
        from customs_portal.celery import app

        return app.send_task(name, args=args, kwargs=kwargs, queue=self.queue)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def mails_to(self, address: str) -> int:
        """How many e-mails the worker has sent to ``address``."""
        return sum(p.read_text().count(f"To: {address}\n") for p in self.mail_dir.iterdir())

    def block_sending(self) -> None:
        """From now on a delivery stops before sending, until ``unblock`` (or its process dies)."""
        self.block_file.touch()

    def unblock(self) -> None:
        self.block_file.unlink(missing_ok=True)

    def blocked_sender_pid(self, timeout: float = 60) -> int:
        """The id of the process stuck in the middle of sending (see mail_backends.py)."""
        if not wait_for(self.pid_file.exists, timeout):
            pytest.fail(f"no delivery got to sending; worker log:\n{self.log_tail()}")
        return int(self.pid_file.read_text())


@contextlib.contextmanager
def real_worker(tmp_path: Path, *, pool: str = "solo", concurrency: int = 1, env: dict | None = None):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: this test needs a real Redis for the Celery worker")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must reach the test database: run on PostgreSQL (DATABASE_URL)")

    from customs_portal.celery import app

    queue = f"test-reminders-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    block_file, pid_file = tmp_path / "block", tmp_path / "sender.pid"
    log = tmp_path / "worker.log"
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
        "PORTAL_TESTING": "1",
        "REDIS_URL": redis_url,
        "WORKER_TEST_DB_NAME": settings.DATABASES["default"]["NAME"],
        "WORKER_TEST_QUEUE": queue,
        "WORKER_TEST_MAIL_DIR": str(mail_dir),
        "WORKER_TEST_BLOCK_FILE": str(block_file),
        "WORKER_TEST_PID_FILE": str(pid_file),
        "PYTHONPATH": str(ROOT),
        **(env or {}),
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
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=worker_env, stdout=out, stderr=subprocess.STDOUT)
    worker = Worker(process, queue, mail_dir, log, block_file, pid_file)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # these tests talk to the real broker
    try:
        yield worker
    finally:
        app.conf.task_always_eager = eager
        worker.unblock()  # a warm shutdown waits for the task in hand
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        _forget_queue(redis_url, queue)


def _forget_queue(redis_url: str, queue: str) -> None:
    """Leave nothing of this run's queue behind in Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
