from celery import shared_task


@shared_task(name="business.rating_changes_apply")
def rating_changes_apply_task() -> int:
    """Daily: credit ratings whose effective date has come are put in force."""
    from .certification import rating_changes_apply

    return rating_changes_apply()


@shared_task(name="business.data_export", acks_late=True)
def data_export_task(export_id: int) -> None:
    from .data import export_build

    export_build(export_id=export_id)


@shared_task(name="business.personal_data_purge")
def personal_data_purge_task() -> int:
    from .data import personal_data_purge

    return personal_data_purge().pk
