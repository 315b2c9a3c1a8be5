from celery import shared_task


@shared_task(name="authorization.tasks.expire_authorizations_task")
def expire_authorizations_task(on_date: str | None = None) -> dict:
    """Daily (Celery beat): renew what is due, expire what has ended. Idempotent."""
    import datetime as dt

    from .services import authorizations_expire_and_renew

    day = dt.date.fromisoformat(on_date) if on_date else None
    result = authorizations_expire_and_renew(on_date=day)
    return {
        "renewed": [a.number for a in result["renewed"]],
        "expired": [a.number for a in result["expired"]],
    }
