"""Settings for the real intake workers that tests/declarations/test_inbox.py starts.

As in production, except: tasks really go through Redis, the database is the test database
the test committed its data to, and a batch can be made to stop inside its transaction (while
a file exists: to kill the worker there) or to take a little longer (to make two workers
overlap).
"""

import os
import time
from pathlib import Path

from customs_portal.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["WORKER_TEST_DB_NAME"]  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (the test database is dropped after the run)
CELERY_TASK_ALWAYS_EAGER = False
INBOX_BATCH_ENTRIES = int(os.environ.get("INBOX_TEST_BATCH_ENTRIES", "1000"))
INBOX_MAX_WAIT = 0.2
INBOX_CLAIM_SECONDS = float(os.environ.get("INBOX_TEST_CLAIM_SECONDS", "120"))
INBOX_BATCH_HOOK = "tests.declarations.inbox_worker_settings.batch_hook"


def batch_hook(messages):
    """Called inside the batch's transaction, after the entries are written, before commit."""
    block = os.environ.get("INBOX_TEST_BLOCK_FILE")
    if block and Path(block).exists():
        pid_file = Path(os.environ["INBOX_TEST_PID_FILE"])
        tmp = pid_file.with_suffix(".tmp")
        tmp.write_text(f"{os.getpid()} {','.join(str(m.pk) for m in messages)}")
        tmp.rename(pid_file)
        while Path(block).exists():
            time.sleep(0.05)
    if os.environ.get("INBOX_TEST_SLEEP"):
        time.sleep(float(os.environ["INBOX_TEST_SLEEP"]))
