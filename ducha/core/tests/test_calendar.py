"""Working days under statutory holidays and make-up days (调休). Expected values are
worked out by hand from the State Council's 2026 schedule: Spring Festival off
Feb 15–23, make-up workdays Sat Feb 14 and Sat Feb 28."""

import datetime as dt
import warnings

import pytest
from django.core.management import call_command

from ducha.core import calendar, services
from ducha.core.calendar import CalendarWarning

D = dt.date


def test_it_skips_the_spring_festival_and_counts_make_up_saturdays(db):
    # Thu Feb 12 + 3: Fri 13 (1), Sat 14 make-up (2), then nothing until Tue 24 (3)
    assert calendar.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert calendar.is_working_day(D(2026, 2, 14)) is True
    assert calendar.is_working_day(D(2026, 2, 16)) is False


def test_it_counts_working_days_after_a_up_to_and_including_b(db):
    # after Feb 13 through Feb 28: 14, 24, 25, 26, 27, 28
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 28)) == 6
    assert calendar.working_days_between(D(2026, 2, 28), D(2026, 2, 13)) == -6
    assert calendar.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0


def test_it_adds_zero_and_negative_days(db):
    assert calendar.add_working_days(D(2026, 2, 16), 0) == D(2026, 2, 16)
    # back from Tue Feb 24 by 2: Sat Feb 14 (1), Fri Feb 13 (2)
    assert calendar.add_working_days(D(2026, 2, 24), -2) == D(2026, 2, 13)


def test_it_uses_the_holiday_table_for_years_the_package_does_not_cover(world):
    # 2027 is not in chinesecalendar 1.11: an administrator enters the schedule.
    services.holiday_set(actor=world.admin, date=D(2027, 2, 8), kind="holiday", name="春节")
    services.holiday_set(actor=world.admin, date=D(2027, 2, 6), kind="workday", name="春节调休")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalendarWarning)  # table-covered year: no warning
        assert calendar.is_working_day(D(2027, 2, 6)) is True  # a Saturday made a workday
        assert calendar.is_working_day(D(2027, 2, 8)) is False  # a Monday made a holiday
        # Fri Feb 5 + 2: Sat 6 (1), [Sun 7, Mon 8 off], Tue 9 (2)
        assert calendar.add_working_days(D(2027, 2, 5), 2) == D(2027, 2, 9)


def test_it_lets_the_table_override_the_package(world):
    services.holiday_set(actor=world.admin, date=D(2026, 3, 2), kind="holiday", name="临时调整")
    assert calendar.is_working_day(D(2026, 3, 2)) is False


def test_it_falls_back_to_weekends_with_a_warning(db):
    with pytest.warns(CalendarWarning, match="2031 年没有节假日数据"):
        # Fri Jan 3 2031 + 1 -> Mon Jan 6 (weekends only)
        assert calendar.add_working_days(D(2031, 1, 3), 1) == D(2031, 1, 6)


def test_it_exposes_the_calendar_on_the_command_line(db, capsys):
    call_command("workdays", "add", "2026-02-12", "3")
    assert capsys.readouterr().out.strip() == "2026-02-24"
    call_command("workdays", "between", "2026-02-13", "2026-02-28")
    assert capsys.readouterr().out.strip() == "6"


def test_it_rejects_malformed_dates_on_the_command_line(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日期格式应为"):
        call_command("workdays", "add", "2026/13/45", "3")
    with pytest.raises(CommandError, match="整数"):
        call_command("workdays", "add", "2026-02-12", "three")


def test_it_audits_holiday_changes_and_refuses_non_admins(world):
    from django.core.exceptions import PermissionDenied

    from ducha.core.models import AuditEntry

    services.holiday_set(actor=world.admin, date=D(2027, 10, 1), kind="holiday", name="国庆节")
    assert AuditEntry.objects.filter(action="holiday.set").count() == 1
    with pytest.raises(PermissionDenied):
        services.holiday_set(actor=world.sup_p, date=D(2027, 10, 2), kind="holiday", name="国庆节")
