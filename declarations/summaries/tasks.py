from celery import shared_task


@shared_task(name="declarations.summaries.tasks.build_previous_month_task")
def build_previous_month_task(today: str | None = None) -> str:
    """Celery beat, 1st of each month: build every enterprise's summaries of the month before.

    The same service as ``build_monthly_summaries``; safe to run twice (a rebuild that changes
    nothing keeps the drafts as they are).
    """
    import datetime as dt

    from .services import previous_month, summaries_build_month

    month = previous_month(dt.date.fromisoformat(today) if today else None)
    result = summaries_build_month(month=month)
    problems = "".join(f"; {code}: {message}" for code, message in result.errors)
    return f"{month:%Y-%m}: {result}{problems}"
