"""Deadlines on the real official calendar: 2025-2026 holidays and make-up working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest

from inspector.sla import calendar
from inspector.sla.calendar import (
    CHINA,
    OfficeHours,
    add_work_time,
    work_time_between,
)
from inspector.sla.official import OfficialCalendar, package_years

HOURS = OfficeHours.parse("08:30-12:00,13:30-17:30")
# The packaged calendar (no schedule loaded): what these 2025-2026 results have always used.
china_workday = OfficialCalendar().is_workday


def cn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def due(start: str, value: int, unit: str = "work_hours", hours: OfficeHours = HOURS) -> datetime:
    result = add_work_time(cn(start), value, unit, hours, china_workday)
    assert result.tzinfo is UTC
    return result


def test_the_calendar_package_knows_the_days_these_tests_rely_on():
    # National Day 2025: 10-01..10-08 off, Sun 09-28 and Sat 10-11 worked (调休).
    assert not any(chinese_calendar.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert chinese_calendar.is_workday(date(2025, 9, 28))
    assert chinese_calendar.is_workday(date(2025, 10, 11))
    # Spring Festival 2026: 02-15..02-23 off, Sat 02-14 and Sat 02-28 worked.
    assert not any(chinese_calendar.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert chinese_calendar.is_workday(date(2026, 2, 14))
    assert chinese_calendar.is_workday(date(2026, 2, 28))
    assert package_years()[1] >= 2026


def test_office_hours_parse_and_day_length():
    assert HOURS.day_length == timedelta(hours=7, minutes=30)
    assert OfficeHours.parse(" 13:30-17:30 , 8:30-12:00").periods == HOURS.periods
    assert OfficeHours.parse("09:00-17:00").day_length == timedelta(hours=8)


@pytest.mark.parametrize(
    "setting",
    [
        "",
        "8-12",
        "08:30-12:00;13:30-17:30",
        "12:00-08:30",
        "08:30-08:30",
        "25:00-26:00",
        "08:30-12:00,11:00-13:00",
        "08:61-12:00",
    ],
)
def test_bad_office_hours_are_refused_with_a_clear_message(setting):
    with pytest.raises(ValueError, match=" / "):
        OfficeHours.parse(setting)


def test_two_work_hours_filed_friday_1730_fall_due_next_working_day():
    assert due("2025-11-14T17:30", 2) == cn("2025-11-17T10:30")  # Fri -> Mon
    assert due("2025-11-14T19:45", 2) == cn("2025-11-17T10:30")  # after hours too


def test_hours_skip_lunch_and_stop_at_period_end():
    assert due("2025-11-12T11:00", 2) == cn("2025-11-12T14:30")
    assert due("2025-11-12T15:30", 2) == cn("2025-11-12T17:30")  # same day, not next morning
    assert due("2025-11-12T12:30", 1) == cn("2025-11-12T14:30")  # filed in the lunch break
    assert due("2025-11-12T07:00", 0) == cn("2025-11-12T08:30")  # clock starts at opening


def test_afternoon_before_national_day_2025():
    # 1 hour on Tue 09-30, then 8 days of holiday, then Thu 10-09.
    assert due("2025-09-30T16:30", 2) == cn("2025-10-09T09:30")
    # Filed during the holiday: counting starts when the office opens again.
    assert due("2025-10-03T10:00", 2) == cn("2025-10-09T10:30")


def test_make_up_working_days_around_national_day_2025():
    assert due("2025-09-26T17:00", 2) == cn("2025-09-28T10:00")  # Fri -> Sun 09-28 (调休上班)
    assert due("2025-10-10T16:30", 4) == cn("2025-10-11T11:30")  # Fri -> Sat 10-11 (调休上班)


def test_work_days_across_national_day_2025():
    # N 工作日: the same clock time on the Nth following working day; 10-01..10-08 are skipped
    # and Sat 10-11 counts: 10-09, 10-10, 10-11, 10-13, 10-14.
    assert due("2025-09-30T09:00", 5, "work_days") == cn("2025-10-14T09:00")
    assert due("2025-09-30T08:30", 1, "work_days") == cn("2025-09-30T17:30")  # opening -> closing
    assert due("2025-09-30T16:00", 1, "work_days") == cn("2025-10-09T16:00")
    # A single 8-hour office period: 1 工作日 = 8 工作时.
    eight = OfficeHours.parse("09:00-17:00")
    assert due("2025-11-12T10:00", 1, "work_days", eight) == cn("2025-11-13T10:00")


def test_spring_festival_2026():
    assert due("2026-02-13T15:30", 1, "work_days") == cn("2026-02-14T15:30")  # Sat 02-14 worked
    assert due("2026-02-14T17:00", 2) == cn("2026-02-24T10:00")  # 02-15..02-23 off
    assert due("2026-02-27T17:30", 2) == cn("2026-02-28T10:30")  # Sat 02-28 worked


def test_work_time_between_agrees_with_add_work_time_over_two_years():
    start = cn("2025-01-01T00:00")
    for step in range(0, 2 * 365 * 24, 37):
        a = start + timedelta(hours=step, minutes=step % 60)
        for value, unit in ((2, "work_hours"), (3, "work_days")):
            b = add_work_time(a, value, unit, HOURS, china_workday)
            expected = calendar.to_duration(value, unit, HOURS)
            assert work_time_between(a, b, HOURS, china_workday) == expected, (a, value, unit)


def test_work_time_between_counts_only_office_time_and_is_signed():
    a, b = cn("2025-09-30T16:30"), cn("2025-10-09T09:30")
    assert work_time_between(a, b, HOURS, china_workday) == timedelta(hours=2)
    assert work_time_between(b, a, HOURS, china_workday) == -timedelta(hours=2)
    holiday = cn("2025-10-02T09:00"), cn("2025-10-05T16:00")
    assert work_time_between(*holiday, HOURS, china_workday) == timedelta(0)


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError):
        add_work_time(datetime(2025, 11, 12, 9), 2, "work_hours", HOURS, china_workday)
    with pytest.raises(ValueError):
        add_work_time(cn("2025-11-12T09:00"), 2, "fortnights", HOURS, china_workday)
    with pytest.raises(ValueError):
        add_work_time(cn("2025-11-12T09:00"), -1, "work_hours", HOURS, china_workday)
    with pytest.raises(ValueError):
        add_work_time(cn("2025-11-12T09:00"), 1, "work_hours", HOURS, lambda d: False)
