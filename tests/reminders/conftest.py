import datetime as dt

import pytest
from django.utils import timezone


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def aware(text: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d(text), dt.time(hour)))


@pytest.fixture
def run_reminders(django_capture_on_commit_callbacks, mailoutbox):
    """Run the daily job for a date, as the task would (e-mail/SMS after commit)."""
    from reminders.services import reminders_send

    def run(day: str, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            sent, errors = reminders_send(today=d(day), **kwargs)
        assert errors == []
        return sent

    return run


def stages(sent, kind=None):
    return [(s.kind, s.stage, s.subject) for s in sent if kind is None or s.kind == kind]
