"""Lists of month M are due by the 15th of M+1, or the first working day after it (official calendar)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from customs_portal.workdays import CalendarYearUnknown
from declarations.summaries.services import summary_deadline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("month", "due"),
    [
        ("2025-12", "2026-01-15"),  # Thursday
        ("2026-01", "2026-02-24"),  # 15 Feb is a Sunday inside the Spring Festival break (15–23 Feb)
        ("2026-02", "2026-03-16"),  # 15 Mar is a Sunday
        ("2026-03", "2026-04-15"),
        ("2026-04", "2026-05-15"),
        ("2026-05", "2026-06-15"),
        ("2026-06", "2026-07-15"),
        ("2026-07", "2026-08-17"),  # 15 Aug is a Saturday
        ("2026-08", "2026-09-15"),
        ("2026-09", "2026-10-15"),  # after the National Day break (1–7 Oct), the 15th is a Thursday
        ("2026-10", "2026-11-16"),  # 15 Nov is a Sunday
        ("2026-11", "2026-12-15"),
        ("2025-01", "2025-02-17"),  # 15 Feb 2025 is a Saturday after the Spring Festival
        ("2025-09", "2025-10-15"),  # National Day and Mid-Autumn ran 1–8 Oct 2025
        ("2015-01", "2015-02-15"),  # a Sunday, but a swapped working day (Spring Festival 2015)
    ],
)
def test_deadline_over_the_months_of_a_year(month, due):
    first = dt.date.fromisoformat(f"{month}-01")
    assert summary_deadline(month=first).isoformat() == due
    out = io.StringIO()
    call_command("summary_deadline", month, stdout=out)
    assert out.getvalue() == f"{due}\n"


def test_a_year_the_calendar_does_not_know_fails_with_how_to_add_it():
    with pytest.raises(CalendarYearUnknown):
        summary_deadline(month=dt.date(2026, 12, 1))  # due in January 2027
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("summary_deadline", "2026-12")
    assert "2027" in str(raised.value) and "calendar" in str(raised.value).lower()


def test_summary_deadline_command_exits_1_for_an_unknown_year(capsys, monkeypatch):
    """As ops run it: `manage.py summary_deadline 2027-06` exits 1, nothing on stdout, the reason on stderr."""
    from django.core.management import ManagementUtility
    from django.core.management import base as management_base

    # run_from_argv closes every connection when it ends; the test's transaction must survive it
    monkeypatch.setattr(management_base.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "summary_deadline", "2027-06", "--skip-checks"]).execute()
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "2027" in err and "CalendarYearUnknown" not in err


def test_once_ops_enter_the_official_schedule_the_deadline_is_known():
    from customs_portal.models import CalendarDay, CalendarYear

    # say the State Council made Friday 15 January 2027 a holiday
    CalendarDay.objects.create(date=dt.date(2027, 1, 15), is_workday=False, name="example")
    CalendarYear.objects.create(year=2027, complete=True)
    assert summary_deadline(month=dt.date(2026, 12, 1)) == dt.date(2027, 1, 18)


def test_a_build_for_an_unknown_deadline_year_still_builds_and_leaves_the_deadline_open(exporter):
    from declarations.summaries.services import summary_month_build

    from .factories import listed

    listed(exporter, released="2026-12-03")
    summary_month_build(enterprise=exporter, month=dt.date(2026, 12, 1))
    form = exporter.summary_forms.get()
    assert form.deadline is None and not form.is_overdue


def test_bad_month_argument():
    with pytest.raises(CommandError):
        call_command("summary_deadline", "2026-13")
