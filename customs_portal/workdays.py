"""The official Chinese working-day calendar, built once for every app.

A day is a working day by the State Council's schedule: weekends are rest days, public
holidays are rest days, and swapped working days (调休) are working days even on a weekend.
chinesecalendar carries the schedules up to the year it was released for; for later years
ops enter the published schedule in admin (CalendarDay overrides, then CalendarYear marked
complete). A year that is in neither raises CalendarYearUnknown: a deadline is never
guessed.
"""

import datetime as dt
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError, interpolate_lazy


class CalendarYearUnknown(ApplicationError):
    def __init__(self, year: int):
        super().__init__(
            "calendar_year_unknown",
            interpolate_lazy(
                _(
                    "The official holiday schedule for %(year)s is not known yet. Enter the State "
                    "Council's published schedule in admin (Portal settings → calendar days: every "
                    "public holiday and swapped working day of %(year)s), then add calendar year "
                    "%(year)s with “schedule complete” ticked."
                ),
                {"year": year},
            ),
            extra={"year": year},
        )
        self.year = year


@lru_cache(maxsize=1)
def _package_years() -> tuple[int, int]:
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def package_covers(year: int) -> bool:
    low, high = _package_years()
    return low <= year <= high


class WorkdayCalendar:
    """Answers working-day questions; loads each year's overrides in one query, once."""

    def __init__(self):
        self._years: dict[int, dict[dt.date, bool] | None] = {}

    def _overrides(self, year: int) -> dict[dt.date, bool] | None:
        """The admin overrides of ``year``, or None when the package covers the year."""
        if year not in self._years:
            from .models import CalendarDay, CalendarYear

            overrides = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday"))
            if package_covers(year):
                # Admin corrections win even inside the package's years.
                self._years[year] = overrides or None
            elif CalendarYear.objects.filter(year=year, complete=True).exists():
                self._years[year] = overrides
            else:
                raise CalendarYearUnknown(year)
        return self._years[year]

    def is_workday(self, day: dt.date) -> bool:
        overrides = self._overrides(day.year)
        if overrides and day in overrides:
            return overrides[day]
        if package_covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The day on which ``days`` working days after ``start`` have passed.

        ``start`` itself does not count: a review that reaches customs on Friday 2026-02-13 is
        due three working days later, on Wednesday 2026-02-25 (Saturday 02-14 is a swapped
        working day; the Spring Festival break runs 02-15 to 02-23).
        """
        day = start
        remaining = days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def first_workday_on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count

    def subtract_working_days(self, end: dt.date, days: int) -> dt.date:
        """The working day that lies ``days`` working days before ``end``."""
        day, remaining = end, days
        while remaining > 0:
            day -= dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day


def is_workday(day: dt.date) -> bool:
    return WorkdayCalendar().is_workday(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    return WorkdayCalendar().add_working_days(start, days)


def first_workday_on_or_after(day: dt.date) -> dt.date:
    return WorkdayCalendar().first_workday_on_or_after(day)
