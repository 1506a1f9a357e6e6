"""The file an admin loads with `calendar load`: one year's official schedule as JSON. Pure.

The shape follows the State Council's notice (国务院办公厅关于YYYY年部分节假日安排的通知), which
gives each holiday as a range of days off and lists the make-up working days (调休上班):

    {
      "year": 2027,
      "notice": "国办发明电〔2026〕N号",
      "holidays": [
        {"name": "元旦", "date": "2027-01-01"},
        {"name": "春节", "from": "2027-02-05", "to": "2027-02-12"}
      ],
      "workdays": [{"date": "2027-02-13", "name": "春节调休上班"}, "2027-02-20"]
    }

The file is the whole schedule of its year: days it does not list are ordinary (Monday-Friday
working, weekends off). Every date lies inside `year`; a make-up working day is a Saturday or
Sunday; no day is listed twice. `notice` is optional (where the schedule came from).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .official import LoadedYear

MIN_YEAR, MAX_YEAR = 2000, 2199
_TOP_KEYS = {"year", "notice", "holidays", "workdays"}
_HOLIDAY_KEYS = {"name", "date", "from", "to"}
_WORKDAY_KEYS = {"date", "name"}
_MAX_RANGE_DAYS = 31


class CalendarFileError(ValueError):
    """Everything wrong with a file, one problem a line ("中文 / English")."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CalendarFile:
    schedule: LoadedYear
    notice: str | None


def parse_calendar_file(text: str) -> CalendarFile:
    """Read and check a schedule file; CalendarFileError lists every problem found."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarFileError([f"不是有效的 JSON / not valid JSON: {exc}"]) from exc
    if not isinstance(doc, dict):
        raise CalendarFileError(["文件须为 JSON 对象 / the file must be a JSON object"])
    problems: list[str] = []
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        problems.append(f"未知字段 / unknown fields: {', '.join(unknown)}")
    year = doc.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarFileError(
            problems + [f"year 须为 {MIN_YEAR}-{MAX_YEAR} 的整数 / year must be an integer"]
        )
    notice = doc.get("notice")
    if notice is not None and (not isinstance(notice, str) or len(notice) > 200):
        problems.append("notice 须为不超过 200 字的文本 / notice must be text (200 chars max)")
    days_off: dict[date, str] = {}
    holidays = doc.get("holidays")
    if not isinstance(holidays, list) or not holidays:
        problems.append("holidays 须为非空列表 / holidays must be a non-empty list")
        holidays = []
    for number, entry in enumerate(holidays, start=1):
        where = f"holidays 第 {number} 项 / holidays item {number}"
        for day, name in _holiday_days(entry, year, where, problems):
            if day in days_off:
                problems.append(f"{where}: {day} 重复 / listed twice")
            days_off[day] = name
    worked: dict[date, str | None] = {}
    workdays = doc.get("workdays", [])
    if not isinstance(workdays, list):
        problems.append("workdays 须为列表 / workdays must be a list")
        workdays = []
    for number, entry in enumerate(workdays, start=1):
        where = f"workdays 第 {number} 项 / workdays item {number}"
        found = _workday(entry, year, where, problems)
        if found is None:
            continue
        day, name = found
        if day.weekday() < 5:
            problems.append(
                f"{where}: {day} 不是周六或周日,无需调休上班 / is not a Saturday or Sunday"
            )
        if day in days_off or day in worked:
            problems.append(f"{where}: {day} 重复 / listed twice")
        worked[day] = name
    if problems:
        raise CalendarFileError(problems)
    return CalendarFile(LoadedYear(year, days_off, worked), notice)


def _name(value: Any, where: str, problems: list[str], required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 60:
        problems.append(f"{where}: name 须为 1-60 字的文本 / name must be text of 1-60 chars")
        return None
    return value.strip()


def _date(value: Any, year: int, where: str, problems: list[str]) -> date | None:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        problems.append(f"{where}: 日期须为 YYYY-MM-DD / dates must be YYYY-MM-DD: {value!r}")
        return None
    if day.year != year:
        problems.append(f"{where}: {day} 不在 {year} 年 / is not in {year}")
        return None
    return day


def _holiday_days(entry: Any, year: int, where: str, problems: list[str]) -> list[tuple]:
    if not isinstance(entry, dict):
        problems.append(f"{where}: 须为对象 / must be an object")
        return []
    if set(entry) - _HOLIDAY_KEYS:
        problems.append(f"{where}: 未知字段 / unknown fields: {sorted(set(entry) - _HOLIDAY_KEYS)}")
    name = _name(entry.get("name"), where, problems, required=True)
    if ("date" in entry) == ("from" in entry or "to" in entry):
        problems.append(f"{where}: 须给 date,或 from 与 to / give date, or from and to")
        return []
    if "date" in entry:
        first = last = _date(entry["date"], year, where, problems)
    else:
        first = _date(entry.get("from"), year, where, problems)
        last = _date(entry.get("to"), year, where, problems)
    if first is None or last is None or name is None:
        return []
    if not first <= last or (last - first).days >= _MAX_RANGE_DAYS:
        problems.append(f"{where}: from 须不晚于 to,且不超过 31 天 / from..to must be 1-31 days")
        return []
    return [(first + timedelta(days=i), name) for i in range((last - first).days + 1)]


def _workday(entry: Any, year: int, where: str, problems: list[str]) -> tuple | None:
    if isinstance(entry, str):
        entry = {"date": entry}
    if not isinstance(entry, dict) or "date" not in entry:
        problems.append(f"{where}: 须为日期或 {{date, name}} / must be a date or {{date, name}}")
        return None
    if set(entry) - _WORKDAY_KEYS:
        problems.append(f"{where}: 未知字段 / unknown fields: {sorted(set(entry) - _WORKDAY_KEYS)}")
    name = _name(entry.get("name"), where, problems, required=False)
    day = _date(entry["date"], year, where, problems)
    return None if day is None else (day, name)
