"""Patrol slots from a plan's rule: daily, a chosen weekday, once per ISO week, working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from inspector.patrols.schedule import Slot, china_day, slot_on, slots


@dataclass
class Rule:
    every: str
    weekday: int | None = None
    start_date: date = date(2026, 11, 23)  # a Monday
    end_date: date | None = None
    working_days_only: bool = False


def every_day(_day: date) -> bool:
    return True


# A made-up calendar: Wed 2026-11-25 is a holiday, Sun 2026-11-29 a make-up working day.
def workday(day: date) -> bool:
    if day == date(2026, 11, 25):
        return False
    if day == date(2026, 11, 29):
        return True
    return day.isoweekday() <= 5


def d(day: int, month: int = 11) -> date:
    return date(2026, month, day)


def test_daily_slots_are_single_days_within_the_plan():
    rule = Rule("day", end_date=d(26))
    got = slots(rule, d(20), d(30), every_day)
    assert got == [Slot(d(23), d(23)), Slot(d(24), d(24)), Slot(d(25), d(25)), Slot(d(26), d(26))]


def test_daily_on_working_days_skips_days_off_and_keeps_make_up_days():
    rule = Rule("day", working_days_only=True)
    # Mon 23, Tue 24, (Wed 25 holiday), Thu 26, Fri 27, (Sat 28), Sun 29 make-up, Mon 30
    assert [s.first.day for s in slots(rule, d(23), d(30), workday)] == [23, 24, 26, 27, 29, 30]


def test_a_chosen_weekday_each_week():
    rule = Rule("week", weekday=3)  # Wednesdays
    assert slots(rule, d(23), d(9, 12), every_day) == [
        Slot(d(25), d(25)),
        Slot(d(2, 12), d(2, 12)),
        Slot(d(9, 12), d(9, 12)),
    ]
    # Wednesday 25 is a holiday: a working-days plan owes nothing that week.
    only_work = Rule("week", weekday=3, working_days_only=True)
    assert slots(only_work, d(23), d(29), workday) == []


def test_once_per_iso_week_clipped_to_the_plan():
    rule = Rule("week", start_date=d(25), end_date=d(3, 12))  # Wed 25 Nov .. Thu 3 Dec
    assert slots(rule, d(1), d(31, 12), every_day) == [
        Slot(d(25), d(29)),  # Wed..Sun of the first week
        Slot(d(30), d(3, 12)),  # Mon..Thu of the last
    ]
    # Any day of the week belongs to the week's slot.
    assert slot_on(rule, d(28), every_day) == Slot(d(25), d(29))
    assert slot_on(rule, d(24), every_day) is None  # before the plan


def test_slot_times_are_china_midnights():
    slot = Slot(d(23), d(29))
    assert slot.starts_at == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # 00:00 +08:00
    assert slot.ends_at == datetime(2026, 11, 29, 16, 0, tzinfo=UTC)  # Mon 30 00:00 +08:00
    assert china_day(datetime(2026, 11, 23, 15, 59, tzinfo=UTC)) == d(23)  # 23:59 China
    assert china_day(datetime(2026, 11, 23, 16, 0, tzinfo=UTC)) == d(24)
