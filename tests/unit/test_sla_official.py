"""Years the packaged calendar does not know: statutory holidays, loaded schedules, the file format.

Expected days worked out by hand from the law (全国年节及纪念日放假办法, 2024 revision: 元旦 1 day,
春节 4 days from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3; a holiday on a Saturday or Sunday
is made up on the next working day) and the 2027 lunar dates: 除夕 Fri 02-05 (正月初一 Sat
02-06), 清明 Mon 04-05, 端午 Wed 06-09, 中秋 Wed 09-15.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime

import pytest

from inspector.sla.calendar import CHINA, OfficeHours, add_work_time
from inspector.sla.calendar_file import CalendarFileError, parse_calendar_file
from inspector.sla.official import OfficialCalendar, package_years

from ..calendar_data import SCHEDULE_2027

HOURS = OfficeHours.parse("08:30-12:00,13:30-17:30")


def cn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def test_these_tests_need_a_package_that_does_not_know_2027():
    # When chinese-calendar learns 2027 these tests must move to the next unpublished year.
    assert package_years()[1] < 2027


def test_statutory_2027_days_off_include_chuxi_and_the_made_up_weekend_holidays():
    calendar = OfficialCalendar()
    assert calendar.source(2027) == "statutory" and not calendar.known(2027)
    holidays = {d.day: (d.name, d.source) for d in calendar.year_days(2027) if d.kind == "holiday"}
    expected = [
        "2027-01-01",  # 元旦, Friday
        "2027-02-05",  # 除夕, Friday: a holiday since the 2024 revision
        "2027-02-06",  # 初一, Saturday
        "2027-02-07",  # 初二, Sunday
        "2027-02-08",  # 初三, Monday
        "2027-02-09",  # made up for Saturday 02-06
        "2027-02-10",  # made up for Sunday 02-07
        "2027-04-05",  # 清明
        "2027-05-01",  # Saturday
        "2027-05-02",  # Sunday
        "2027-05-03",  # made up
        "2027-05-04",  # made up
        "2027-06-09",  # 端午
        "2027-09-15",  # 中秋
        "2027-10-01",  # Friday
        "2027-10-02",  # Saturday
        "2027-10-03",  # Sunday
        "2027-10-04",  # made up
        "2027-10-05",  # made up
    ]
    assert sorted(holidays) == [date.fromisoformat(d) for d in expected]
    assert all(source == "statutory" for _, source in holidays.values())
    assert holidays[date(2027, 2, 5)][0] == "农历除夕"
    assert calendar.is_workday(date(2027, 2, 11))  # Thursday after the break
    assert not calendar.is_workday(date(2027, 2, 13))  # no make-up Saturday is known yet


def test_one_work_day_dispatched_on_chuxi_2027_is_not_due_inside_the_spring_festival():
    calendar = OfficialCalendar()
    # Friday 02-05 is 除夕: the clock starts on Thursday 02-11 at 08:30; 7.5 h later is 17:30.
    due = add_work_time(cn("2027-02-05T10:00"), 1, "work_days", HOURS, calendar.is_workday)
    assert due == cn("2027-02-11T17:30")
    # From Thursday 02-04 16:00: 1.5 h that day, 6 h on 02-11 -> the same clock time.
    due = add_work_time(cn("2027-02-04T16:00"), 1, "work_days", HOURS, calendar.is_workday)
    assert due == cn("2027-02-11T16:00")
    assert calendar.provisional(date(2027, 2, 4), date(2027, 2, 11))
    assert not calendar.provisional(date(2026, 2, 4), date(2026, 12, 31))
    assert calendar.provisional(date(2026, 12, 31), date(2027, 1, 4))


def test_a_loaded_year_wins_and_its_make_up_saturday_counts():
    loaded = parse_calendar_file(json.dumps(SCHEDULE_2027)).schedule
    calendar = OfficialCalendar({2027: loaded})
    assert calendar.source(2027) == "loaded" and calendar.known(2027)
    # 02-05..02-12 off, Saturday 02-13 worked: the case of 02-04 16:00 is due on that Saturday.
    due = add_work_time(cn("2027-02-04T16:00"), 1, "work_days", HOURS, calendar.is_workday)
    assert due == cn("2027-02-13T16:00")
    # 02-09/02-10 are no longer the statutory 补假 but holidays of the loaded schedule.
    assert calendar.day(date(2027, 2, 9)).source == "loaded"
    # 清明 is not in this (partial) file: the file is the whole year, so 04-05 is a working day.
    assert calendar.is_workday(date(2027, 4, 5))
    assert not calendar.provisional(date(2027, 2, 4), date(2027, 2, 13))


def test_2026_comes_from_the_package_whatever_is_loaded_for_2027():
    loaded = parse_calendar_file(json.dumps(SCHEDULE_2027)).schedule
    calendar = OfficialCalendar({2027: loaded})
    feb = {d.day: (d.kind, d.source, d.name) for d in calendar.year_days(2026) if d.day.month == 2}
    assert feb[date(2026, 2, 14)] == ("makeup_workday", "package", "春节")
    assert feb[date(2026, 2, 16)] == ("holiday", "package", "春节")
    assert feb[date(2026, 2, 28)] == ("makeup_workday", "package", "春节")
    assert feb[date(2026, 2, 1)] == ("weekend", "weekend", None)  # a plain Sunday
    assert date(2026, 2, 2) not in feb  # a plain Monday is not listed


def test_beyond_the_statutory_calendar_weekends_only_with_one_warning(caplog):
    calendar = OfficialCalendar()
    assert calendar.source(2101) == "weekend"
    # 2101-01-03 is a Monday.
    with caplog.at_level(logging.WARNING, logger="inspector.sla.official"):
        week = [calendar.is_workday(date(2101, 1, 3 + i)) for i in range(7)]
    assert week == [True] * 5 + [False] * 2
    assert len([r for r in caplog.records if "2101" in r.getMessage()]) == 1


def _problems(doc) -> str:
    with pytest.raises(CalendarFileError) as info:
        parse_calendar_file(doc if isinstance(doc, str) else json.dumps(doc))
    assert all(" / " in p for p in info.value.problems)
    return "\n".join(info.value.problems)


def test_the_file_format_is_checked_with_every_problem_listed():
    assert "JSON" in _problems("{not json")
    assert "year" in _problems({"holidays": []})
    bad = {
        "year": 2027,
        "holiday": [],
        "holidays": [
            {"name": "春节", "from": "2027-02-12", "to": "2027-02-05"},
            {"name": "元旦", "date": "2026-12-31"},
            {"name": "", "date": "2027-05-01"},
            {"name": "国庆", "date": "2027-10-01", "from": "2027-10-01"},
            {"name": "中秋", "date": "2027-9-15"},
        ],
        "workdays": ["2027-02-15", {"date": "2027-02-13", "extra": 1}],
    }
    text = _problems(bad)
    for expected in (
        "unknown fields: holiday",
        "from..to must be 1-31 days",
        "2026-12-31 不在 2027 年",
        "name must be text",
        "give date, or from and to",
        "dates must be YYYY-MM-DD",
        "2027-02-15 不是周六或周日",
        "unknown fields: ['extra']",
    ):
        assert expected in text, expected
    twice = {
        "year": 2027,
        "holidays": [{"name": "春节", "from": "2027-02-05", "to": "2027-02-13"}],
        "workdays": ["2027-02-13"],
    }
    assert "2027-02-13 重复" in _problems(twice)


def test_a_good_file_reads_into_days():
    parsed = parse_calendar_file(json.dumps(SCHEDULE_2027))
    assert parsed.notice == "国办发明电〔2026〕测试号"
    assert len(parsed.schedule.holidays) == 9
    assert parsed.schedule.holidays[date(2027, 2, 12)] == "春节"
    assert parsed.schedule.workdays == {date(2027, 2, 13): "春节调休上班"}
