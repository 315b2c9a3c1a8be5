"""The inbox's worker task, on the ``intake`` queue (CELERY_TASK_ROUTES).

Queued after the commit of each received message (at most one waiting at a time, see
``services.inbox_schedule_drain``) and by the beat every minute as a safety net. Safe to run
twice and concurrently: the rows are claimed with ``FOR UPDATE SKIP LOCKED``.
"""

from celery import shared_task

from . import services


@shared_task(name="declarations.inbox.tasks.drain_inbox_task")
def drain_inbox_task() -> int:
    services.inbox_drain_started()
    return services.inbox_drain()
