from celery import shared_task


@shared_task(name="business.rating_changes_apply")
def rating_changes_apply_task() -> int:
    """Daily: credit ratings whose effective date has come are put in force."""
    from .certification import rating_changes_apply

    return rating_changes_apply()
