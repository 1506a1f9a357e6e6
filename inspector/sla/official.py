"""Which days are official working days, and where each answer comes from. Pure: no Flask, no DB.

For a year, the first source that knows it decides every day of that year:
1. `loaded`: a schedule an admin loaded (`flask --app inspector calendar load`), passed in as
   a mapping year -> LoadedYear; the State Council publishes the next year's schedule in
   November, long before a package release.
2. `package`: `chinese-calendar`, the published schedules (2004-2026 in 1.11), with the 调休
   make-up working days.
3. `statutory`: the holidays the law itself fixes (全国年节及纪念日放假办法 as revised in 2024,
   in force from 2025: 元旦 1 day, 春节 4 days from 除夕 on, 清明 1, 劳动节 2, 端午 1, 中秋 1,
   国庆 3; a holiday that falls on a Saturday or Sunday is made up on the next working day),
   with the lunar dates computed by the `holidays` package. The make-up Saturdays of a year are
   only known when its schedule is published, so due times that rely on this are provisional.
4. `weekend`: plain Monday-Friday, where not even the statutory holidays are known (before 1950
   or after 2100 for `holidays`).
Inside a year, a Saturday or Sunday that no source names is an ordinary weekend day (source
`weekend`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
import holidays

log = logging.getLogger(__name__)

LOADED, PACKAGE, STATUTORY, WEEKEND = "loaded", "package", "statutory", "weekend"
# Only `loaded` and `package` years are an official schedule; due times on the others are provisional.
OFFICIAL_SOURCES = (LOADED, PACKAGE)
HOLIDAY, MAKEUP_WORKDAY = "holiday", "makeup_workday"  # kinds of day; plain weekend days: WEEKEND
KIND_ZH = {HOLIDAY: "节假日", WEEKEND: "周末", MAKEUP_WORKDAY: "调休上班"}
SOURCE_ZH = {
    LOADED: "已载入的安排",
    PACKAGE: "chinese-calendar 包",
    STATUTORY: "法定节假日推算(暂定)",
    WEEKEND: "周末",
}

# chinese-calendar names its holidays in English (the Holiday enum's values).
_PACKAGE_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class LoadedYear:
    """A year's schedule as an admin loaded it: holidays (day -> name) and make-up working days."""

    year: int
    holidays: Mapping[date, str]
    workdays: Mapping[date, str | None]


@dataclass(frozen=True)
class Day:
    """What the calendar says about one day. `kind` is None for an ordinary working day."""

    day: date
    working: bool
    kind: str | None
    source: str
    name: str | None = None


@lru_cache(maxsize=1)
def package_years() -> tuple[int, int]:
    """First and last year the installed chinese-calendar knows."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


@lru_cache(maxsize=64)
def statutory_year(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """The `holidays` package's China calendar for `year`: (day off -> Chinese name, worked weekend days).

    Empty when it does not cover the year. It lists 补假 days ("春节(补假)") as days off, and
    make-up working days only for years it has published data for.
    """
    calendar = holidays.China(years=year, language="zh_CN")
    days_off = {day: name for day, name in calendar.items() if day.year == year}
    worked = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days_off, worked


def year_source(year: int, loaded: Mapping[int, LoadedYear]) -> str:
    """The source that decides every day of `year` (module docstring)."""
    if year in loaded:
        return LOADED
    first, last = package_years()
    if first <= year <= last:
        return PACKAGE
    if statutory_year(year)[0]:
        return STATUTORY
    return WEEKEND


def _weekend_day(day: date) -> Day:
    if day.weekday() >= 5:
        return Day(day, False, WEEKEND, WEEKEND)
    return Day(day, True, None, WEEKEND)


def _loaded_day(day: date, schedule: LoadedYear) -> Day:
    if day in schedule.holidays:
        return Day(day, False, HOLIDAY, LOADED, schedule.holidays[day])
    if day in schedule.workdays:
        return Day(day, True, MAKEUP_WORKDAY, LOADED, schedule.workdays[day])
    return _weekend_day(day)


def _package_day(day: date) -> Day:
    off, name = chinese_calendar.get_holiday_detail(day)
    name_zh = _PACKAGE_NAMES_ZH.get(name, name) if name else None
    if off and name:
        return Day(day, False, HOLIDAY, PACKAGE, name_zh)
    if not off and day.weekday() >= 5:
        return Day(day, True, MAKEUP_WORKDAY, PACKAGE, name_zh)
    return _weekend_day(day)


def _statutory_day(day: date) -> Day:
    days_off, worked = statutory_year(day.year)
    if day in days_off:
        return Day(day, False, HOLIDAY, STATUTORY, days_off[day])
    if day in worked:
        return Day(day, True, MAKEUP_WORKDAY, STATUTORY)
    return _weekend_day(day)


@dataclass
class OfficialCalendar:
    """The calendar for one set of loaded schedules; answers are memoised (deadline loops ask a lot).

    Build a new one when the loaded schedules change (schedule.py keeps one per DB revision).
    """

    loaded: Mapping[int, LoadedYear] = field(default_factory=dict)
    _days: dict[date, Day] = field(default_factory=dict, repr=False)
    _warned: set[int] = field(default_factory=set, repr=False)

    def source(self, year: int) -> str:
        return year_source(year, self.loaded)

    def known(self, year: int) -> bool:
        """True when an official schedule (loaded or packaged) covers `year`."""
        return self.source(year) in OFFICIAL_SOURCES

    def provisional(self, first: date, last: date) -> bool:
        """True when a span touches a year without an official schedule: its due time may move."""
        return not all(self.known(year) for year in range(first.year, last.year + 1))

    def day(self, day: date) -> Day:
        found = self._days.get(day)
        if found is None:
            found = self._classify(day)
            self._days[day] = found
        return found

    def is_workday(self, day: date) -> bool:
        """The `is_workday` of calendar.add_work_time / work_time_between."""
        return self.day(day).working

    def year_days(self, year: int) -> list[Day]:
        """Every non-working day and make-up working day of `year` (`calendar show`)."""
        day, out = date(year, 1, 1), []
        while day.year == year:
            info = self.day(day)
            if info.kind is not None:
                out.append(info)
            day += timedelta(days=1)
        return out

    def _classify(self, day: date) -> Day:
        source = self.source(day.year)
        if source == LOADED:
            return _loaded_day(day, self.loaded[day.year])
        if source == PACKAGE:
            return _package_day(day)
        if day.year not in self._warned:
            self._warned.add(day.year)
            log.warning(
                "%s 年没有官方节假日安排,按%s计算,到期时间为暂定;请用 calendar load 载入国务院公布的安排 / "
                "no official schedule for %s: counting %s, due times are provisional; load the "
                "State Council's schedule with `flask --app inspector calendar load`",
                day.year,
                "法定节假日" if source == STATUTORY else "周一至周五",
                day.year,
                "the statutory holidays" if source == STATUTORY else "Monday-Friday",
            )
        return _statutory_day(day) if source == STATUTORY else _weekend_day(day)
