"""Monthly summary deadline: the 15th or the first working day after it (official calendar)."""

import pytest

from notifications.models import Notification

from .conftest import aware, stages
from .factories import returned_inventory

pytestmark = pytest.mark.django_db
KIND = "summary_deadline"


@pytest.fixture
def exporter(enterprise, trader_factory):
    trader_factory(enterprise)
    returned_inventory(sender=enterprise, status="departed", released_at=aware("2026-10-20"))
    return enterprise


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        # 15 November 2026 is a Sunday: the deadline moves to Monday 16 November
        ("2026-11-09", "WD-5"),
        ("2026-11-13", "WD-1"),
        ("2026-11-17", "OVERDUE"),
        ("2026-11-24", "OVERDUE+7"),
    ],
)
def test_summary_deadline_reminders_on_working_days_before_and_overdue_after(
    run_reminders, exporter, day, stage
):
    sent = [s for s in run_reminders(day) if s.kind == KIND]
    assert [(s.stage, s.subject, s.due_date.isoformat(), s.customs_code) for s in sent] == [
        (stage, "SUM-2026-10", "2026-11-16", exporter.customs_code)
    ]


def test_no_summary_reminder_before_five_working_days_or_on_the_deadline_itself(run_reminders, exporter):
    assert stages(run_reminders("2026-11-06"), KIND) == []
    run_reminders("2026-11-13")
    assert stages(run_reminders("2026-11-16"), KIND) == []


def test_spring_festival_moves_the_deadline_and_a_swapped_saturday_counts(run_reminders, enterprise, trader):
    returned_inventory(sender=enterprise, status="released", released_at=aware("2026-01-20"))
    # 15 February 2026 falls in the Spring Festival break (15–23): due Tuesday 24 February;
    # one working day before is Saturday 14 February, a swapped working day
    sent = [s for s in run_reminders("2026-02-14") if s.kind == KIND]
    assert [(s.stage, s.due_date.isoformat()) for s in sent] == [("WD-1", "2026-02-24")]
    assert sent[0].sms


def test_only_enterprises_with_lists_released_last_month_are_reminded(
    run_reminders, enterprise, other_enterprise
):
    returned_inventory(sender=enterprise, status="released", released_at=aware("2026-11-02"))
    returned_inventory(
        sender=other_enterprise, status="released", released_at=aware("2026-10-02"), statistics_flag="A"
    )
    assert stages(run_reminders("2026-11-13"), KIND) == []


def test_summary_deadline_cannot_be_switched_off(run_reminders, exporter):
    from reminders.services import reminder_preferences_set

    user = exporter.users.get()
    reminder_preferences_set(user=user, enabled_kinds=[])
    run_reminders("2026-11-13")
    assert Notification.objects.filter(user=user, kind=KIND).count() == 1
