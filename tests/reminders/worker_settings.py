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
