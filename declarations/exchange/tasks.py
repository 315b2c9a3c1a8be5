"""The receipts queue: pushing receipts to the enterprises' callback URLs."""

from celery import shared_task

from . import services

# These tasks run on a queue of their own, "receipts" (CELERY_TASK_ROUTES; workers: -Q
# intake,receipts,celery): a slow or failing callback never holds up the intake or the reminders.


@shared_task(ignore_result=True)
def deliver_receipts_task(endpoint_id: int) -> str:
    """One attempt for one endpoint; safe to run twice (the endpoint row is locked, the
    cursor moves only on a 2xx, and a second run finds nothing due or nothing new)."""
    return services.callback_deliver(endpoint_id=endpoint_id)


@shared_task(ignore_result=True)
def deliver_due_receipts_task() -> int:
    """The sweep: every active endpoint that is due gets an attempt (a lost task, a broker
    that was down when receipts were written). It also places the receipts written since the
    last read, so that a backlog never builds up while nobody polls."""
    services.receipts_sequence()
    due = services.callbacks_due()
    for endpoint_id in due:
        deliver_receipts_task.delay(endpoint_id)
    return len(due)
