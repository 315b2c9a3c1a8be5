from celery import shared_task


@shared_task(ignore_result=True)
def requery_pending_payments_task() -> dict:
    """Ask the provider about payments it never confirmed (beat: every 2 minutes)."""
    from .services import payments_requery

    return payments_requery()
