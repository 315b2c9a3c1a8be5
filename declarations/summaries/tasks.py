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


@shared_task(name="declarations.summaries.tasks.refresh_preview_task")
def refresh_preview_task(enterprise_id: int, month: str) -> int:
    """Recompute an enterprise's preview of the month after its lists changed (overview page).

    Read-only apart from the cache; safe to run twice. Returns the number of planned forms.
    """
    import datetime as dt

    from .selectors import preview_refresh

    return len(preview_refresh(enterprise_id=enterprise_id, month=dt.date.fromisoformat(month)).forms)
