import datetime as dt

import pytest
from django.utils import translation

from customs_portal.models import CalendarDay, CalendarYear
from customs_portal.workdays import CalendarYearUnknown, WorkdayCalendar, add_working_days, is_workday

D = dt.date


@pytest.mark.django_db
class TestOfficialCalendar:
    def test_swapped_working_saturday_counts_as_a_working_day(self):
        assert is_workday(D(2026, 2, 14))  # Saturday, swapped working day before Spring Festival

    def test_spring_festival_days_are_rest_days(self):
        assert not is_workday(D(2026, 2, 16))
        assert not is_workday(D(2026, 2, 23))
        assert is_workday(D(2026, 2, 24))

    def test_review_submitted_friday_before_spring_festival_is_due_three_working_days_later(self):
        assert add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)

    def test_ordinary_week_skips_the_weekend(self):
        assert add_working_days(D(2026, 3, 6), 3) == D(2026, 3, 11)

    def test_first_working_day_after_national_day(self):
        assert WorkdayCalendar().first_workday_on_or_after(D(2026, 10, 1)) == D(2026, 10, 8)

    def test_working_days_between_is_signed(self):
        cal = WorkdayCalendar()
        assert cal.working_days_between(D(2026, 3, 6), D(2026, 3, 11)) == 3
        assert cal.working_days_between(D(2026, 3, 11), D(2026, 3, 6)) == -3
        assert cal.subtract_working_days(D(2026, 2, 25), 3) == D(2026, 2, 13)


@pytest.mark.django_db
class TestYearsBeyondThePackage:
    def test_unknown_year_fails_loudly_with_how_to_fix(self):
        with pytest.raises(CalendarYearUnknown) as info:
            is_workday(D(2027, 3, 1))
        with translation.override("en"):
            assert "2027" in str(info.value)
            assert "calendar days" in str(info.value)
        with translation.override("zh-hans"):
            assert "2027 年的法定节假日安排尚未录入" in str(info.value)

    def test_entered_schedule_is_used_once_the_year_is_complete(self):
        CalendarDay.objects.create(date=D(2027, 2, 8), is_workday=False, name="Spring Festival")
        CalendarDay.objects.create(date=D(2027, 2, 20), is_workday=True, name="swapped working day")
        with pytest.raises(CalendarYearUnknown):
            is_workday(D(2027, 2, 8))  # entered but not marked complete: still refused
        CalendarYear.objects.create(year=2027, complete=True)
        assert not is_workday(D(2027, 2, 8))  # a Monday, entered as a holiday
        assert is_workday(D(2027, 2, 20))  # a Saturday, entered as a working day
        assert is_workday(D(2027, 2, 9))  # an ordinary Tuesday
        assert not is_workday(D(2027, 2, 13))  # an ordinary Saturday

    def test_admin_override_corrects_a_covered_year(self):
        CalendarDay.objects.create(date=D(2026, 3, 9), is_workday=False, name="extraordinary closure")
        assert not is_workday(D(2026, 3, 9))
