"""Working time on the official Chinese calendar: pure, no Flask, no SQLAlchemy.

Time limits (处置时限) are given in 工作时 (work hours) or 工作日 (work days). Only office hours
of working days count: weekends are off except make-up working days (调休上班), public holidays
are off. `is_workday` is passed in (FixMyStreet's WorkingDays.pm shape), so tests can use any
calendar; which days are official working days is `official.py`'s business (the packaged and the
statutory calendars) and `schedule.py`'s (schedules an admin loaded into the database).

Definitions (the contract of this module):
- The clock only runs inside office periods of working days, in the office time zone
  (Asia/Shanghai). A start outside office hours starts counting at the next period's opening:
  "2 工作时" filed at 17:30 on a Friday falls due at 10:30 on the next working day.
- A due time that lands exactly on a period's end stays there (15:30 + 2 工作时 = 17:30 the
  same day, not 08:30 the next day).
- "N 工作日" = N x the working time of one full office day (7.5 工作时 with the default
  08:30-12:00,13:30-17:30). So, from a moment inside office hours, N 工作日 falls due at the same
  clock time on the Nth following working day, and a case dispatched at opening is due at that
  day's closing. Why not "the end of the Nth day": that gives the unit 7.5 hours when the case
  arrives at 08:30 and 1 hour when it arrives at 16:30, for the same 1 工作日. Why not a fixed
  8 hours: with 7.5 office hours a day that drifts 30 minutes a day against the office clock.
  Counting in working time also lets limits and extensions mix units and keeps
  `work_time_between` consistent with `add_work_time` for the on-time statistics (数字城管
  standards GB/T 30428 count 处置时限 in working time).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

WORK_HOURS = "work_hours"
WORK_DAYS = "work_days"
UNITS = (WORK_HOURS, WORK_DAYS)
CHINA = ZoneInfo("Asia/Shanghai")

IsWorkday = Callable[[date], bool]

_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
# A deadline further away than this many calendar days means a bad calendar (no working days).
_MAX_DAYS = 3660


@dataclass(frozen=True)
class OfficeHours:
    """Office periods of a working day, sorted and disjoint, e.g. 08:30-12:00 and 13:30-17:30."""

    periods: tuple[tuple[time, time], ...]
    tz: tzinfo = field(default=CHINA)

    @classmethod
    def parse(cls, text: str, tz: tzinfo = CHINA) -> OfficeHours:
        """Parse the OFFICE_HOURS setting "08:30-12:00,13:30-17:30"; ValueError says what is wrong."""
        periods = []
        for part in (text or "").split(","):
            match = _PERIOD.match(part)
            if not match:
                raise ValueError(
                    f"工作时段格式应为 HH:MM-HH:MM,多个用逗号分隔: {part.strip()!r} / "
                    f"office hours must look like 08:30-12:00,13:30-17:30: {part.strip()!r}"
                )
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if max(h1, h2) > 23 or max(m1, m2) > 59:
                raise ValueError(
                    f"工作时段时间无效 / invalid time in office hours: {part.strip()!r}"
                )
            start, end = time(h1, m1), time(h2, m2)
            if end <= start:
                raise ValueError(
                    f"工作时段须先开始后结束 / office period must end after it starts: {part.strip()!r}"
                )
            periods.append((start, end))
        periods.sort()
        for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
            if start < end:
                raise ValueError(f"工作时段重叠 / office periods overlap: {text!r}")
        return cls(tuple(periods), tz)

    @property
    def day_length(self) -> timedelta:
        """Working time of one full office day (7.5 hours with the default setting)."""
        return sum((_span(day_start, day_end) for day_start, day_end in self.periods), timedelta())

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The office periods of `day` as aware datetimes in the office time zone."""
        return [
            (datetime.combine(day, start, self.tz), datetime.combine(day, end, self.tz))
            for start, end in self.periods
        ]


def _span(start: time, end: time) -> timedelta:
    anchor = date(2000, 1, 3)
    return datetime.combine(anchor, end) - datetime.combine(anchor, start)


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} 须带时区 / {name} must be timezone-aware")


def to_duration(value: int, unit: str, hours: OfficeHours) -> timedelta:
    """A time limit as working time: N 工作时 = N hours, N 工作日 = N full office days."""
    if unit == WORK_HOURS:
        return timedelta(hours=value)
    if unit == WORK_DAYS:
        return value * hours.day_length
    raise ValueError(f"时限单位须为 {'/'.join(UNITS)} / unit must be one of {', '.join(UNITS)}")


def add_work_time(
    start: datetime, value: int, unit: str, hours: OfficeHours, is_workday: IsWorkday
) -> datetime:
    """The due time: `start` plus `value` work hours or work days (module docstring). UTC out."""
    if value < 0:
        raise ValueError("时限不能为负 / time limit must not be negative")
    return add_working_time(start, to_duration(value, unit, hours), hours, is_workday)


def add_working_time(
    start: datetime, left: timedelta, hours: OfficeHours, is_workday: IsWorkday
) -> datetime:
    """`start` plus an amount of working time (add_work_time's clock). UTC out."""
    _aware(start, "start")
    if left < timedelta(0):
        raise ValueError("时限不能为负 / time limit must not be negative")
    local = start.astimezone(hours.tz)
    day = local.date()
    for _ in range(_MAX_DAYS):
        if is_workday(day):
            for open_at, close_at in hours.intervals(day):
                if close_at <= local:
                    continue
                begin = max(open_at, local)
                if begin + left <= close_at:
                    return (begin + left).astimezone(UTC)
                left -= close_at - begin
        day += timedelta(days=1)
    raise ValueError("找不到足够的工作日 / no working days found within ten years")


def work_time_between(
    a: datetime, b: datetime, hours: OfficeHours, is_workday: IsWorkday
) -> timedelta:
    """Office time of working days between a and b; negative when b is before a (time overdue)."""
    _aware(a, "a")
    _aware(b, "b")
    if b < a:
        return -work_time_between(b, a, hours, is_workday)
    a_local, b_local = a.astimezone(hours.tz), b.astimezone(hours.tz)
    total = timedelta()
    day = a_local.date()
    while day <= b_local.date():
        if is_workday(day):
            for open_at, close_at in hours.intervals(day):
                begin, end = max(open_at, a_local), min(close_at, b_local)
                if end > begin:
                    total += end - begin
        day += timedelta(days=1)
    return total
