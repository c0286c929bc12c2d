"""Working days (工作日) under China's statutory holidays and make-up workdays (调休).

Order of authority for a date: the administrator's ``Holiday`` table, then the
chinesecalendar package for the years it covers, then weekends only — in which case
a ``CalendarWarning`` says the date's year has no holiday data.
"""

import datetime as dt
import warnings
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as cc_constants


class CalendarWarning(UserWarning):
    pass


@lru_cache(maxsize=1)
def package_years() -> frozenset[int]:
    years = {d.year for d in cc_constants.holidays} | {d.year for d in cc_constants.workdays}
    return frozenset(years)


class WorkCalendar:
    """A snapshot of the calendar for a span of years (one query to the Holiday table)."""

    def __init__(self, years: range | set[int] | None = None):
        from ducha.core.models import Holiday

        qs = Holiday.objects.all()
        if years is not None:
            qs = qs.filter(date__year__in=list(years))
        self.overrides: dict[dt.date, bool] = {}
        self.table_years: set[int] = set()
        for date, kind in qs.values_list("date", "kind"):
            self.overrides[date] = kind == "workday"
            self.table_years.add(date.year)
        self._warned: set[int] = set()

    def covers(self, year: int) -> bool:
        return year in self.table_years or year in package_years()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in package_years():
            return chinese_calendar.is_workday(day)
        if day.year not in self.table_years and day.year not in self._warned:
            self._warned.add(day.year)
            warnings.warn(
                f"{day.year} 年没有节假日数据(chinesecalendar 未覆盖,节假日表也未维护),按仅周末休息计算",
                CalendarWarning,
                stacklevel=3,
            )
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``start`` (before it when ``n`` is negative).

        ``n == 0`` returns ``start`` itself.
        """
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        day = start
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when ``b`` < ``a``."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a
        while day < b:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def _calendar_for(*dates: dt.date, extra_days: int = 0) -> WorkCalendar:
    lo = min(dates).year - 1 - extra_days // 250
    hi = max(dates).year + 1 + extra_days // 250
    return WorkCalendar(range(lo, hi + 1))


def is_working_day(day: dt.date) -> bool:
    return _calendar_for(day).is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return _calendar_for(start, extra_days=abs(n)).add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return _calendar_for(a, b).working_days_between(a, b)
