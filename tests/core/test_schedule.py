"""Beat's daily schedule names tasks that exist, and each has an ops command running the same service."""

from django.conf import settings
from django.core.management import get_commands

from customs_portal.celery import app


def test_every_scheduled_task_is_registered_with_the_worker():
    app.loader.import_default_modules()
    registered = set(app.tasks)
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in registered, f"{name}: task {entry['task']} is not registered"


def test_the_scheduled_jobs_are_also_ops_commands():
    commands = get_commands()
    for command in ("send_reminders", "expire_authorizations", "build_monthly_summaries"):
        assert command in commands


def test_the_monthly_summaries_are_built_on_the_first_of_each_month():
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    schedule = tasks["declarations.summaries.tasks.build_previous_month_task"]
    assert schedule.day_of_month == {1}
