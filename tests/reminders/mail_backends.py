"""E-mail backends the real worker of the worker tests uses (see worker_settings.py)."""

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend


class BlockingFileBackend(EmailBackend):
    """Writes e-mail to files, but while WORKER_TEST_BLOCK_FILE exists it first records the
    sending process's id in WORKER_TEST_PID_FILE and waits: a delivery stuck in the middle of
    sending, until the test kills that process or removes the file."""

    def send_messages(self, email_messages):
        block = Path(os.environ["WORKER_TEST_BLOCK_FILE"])
        if block.exists():
            pid_file = Path(os.environ["WORKER_TEST_PID_FILE"])
            partial = pid_file.with_suffix(".partial")
            partial.write_text(str(os.getpid()))
            partial.rename(pid_file)  # the test never reads half a number
            while block.exists():
                time.sleep(0.1)
        return super().send_messages(email_messages)


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that cannot be reached."""

    def send_messages(self, email_messages):
        raise ConnectionError("connection refused")
