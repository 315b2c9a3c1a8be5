"""Settings for the real Celery worker that tests/reminders/test_worker.py starts.

Everything as in production settings, except: tasks really go through Redis, the database is
the test database the test committed its data to, the queue is the test's own (so parallel
runs on one Redis never take each other's tasks), and e-mail goes to files the test reads.
"""

import os

from customs_portal.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["WORKER_TEST_DB_NAME"]  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (the test database is dropped after the run)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["WORKER_TEST_QUEUE"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["WORKER_TEST_MAIL_DIR"]
SMS_BACKEND = "customs_portal.sms.ConsoleSmsBackend"

# tests/reminders/test_worker_lost.py: a delivery that blocks while a file exists (to kill the
# process sending it, or to meet it with the sweep), and a lease short enough to wait out
if os.environ.get("WORKER_TEST_BLOCK_FILE"):
    EMAIL_BACKEND = "tests.reminders.mail_backends.BlockingFileBackend"
if os.environ.get("WORKER_TEST_DELIVERY_LEASE"):
    REMINDER_DELIVERY_LEASE = int(os.environ["WORKER_TEST_DELIVERY_LEASE"])
