"""Statistics periods: Asia/Shanghai calendar dates (api.md), turned into UTC instants. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ..timeutil import CHINA

MAX_DAYS = 366 * 3  # a longer period is a typo, and would scan the whole history


class PeriodError(ValueError):
    """A period the caller wrote wrongly; the API answers 422 with this message."""


@dataclass(frozen=True)
class Period:
    first: date  # inclusive
    last: date  # inclusive
    label: str  # "2026-11-16~2026-11-22", "2026-W47", "2026-11"

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), CHINA).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.last + timedelta(days=1), time(), CHINA).astimezone(UTC)

    def json(self) -> dict[str, str]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "label": self.label,
            "start": self.start.astimezone(CHINA).isoformat(),
            "end": self.end.astimezone(CHINA).isoformat(),
        }


def _date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise PeriodError(f"{name} 须为日期 YYYY-MM-DD / {name} must be a date") from exc


def between(first: str, last: str) -> Period:
    a, b = _date(first, "from"), _date(last, "to")
    if b < a:
        raise PeriodError("to 不能早于 from / to is before from")
    if (b - a).days > MAX_DAYS:
        raise PeriodError(f"统计期间不能超过 {MAX_DAYS} 天 / period too long")
    return Period(a, b, f"{a.isoformat()}~{b.isoformat()}")


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def week(text: str) -> Period:
    """ISO week `2026-W47`: Monday to Sunday."""
    match = _WEEK.match(text or "")
    if not match:
        raise PeriodError("week 须为 YYYY-Www,如 2026-W47 / week must look like 2026-W47")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise PeriodError("没有这一周 / no such ISO week") from exc
    return Period(monday, monday + timedelta(days=6), f"{match[1]}-W{match[2]}")


def week_of(day: date) -> Period:
    year, number, _ = day.isocalendar()
    return week(f"{year:04d}-W{number:02d}")


def previous_week(period: Period) -> Period:
    return week_of(period.first - timedelta(days=7))


def next_week(period: Period) -> Period:
    return week_of(period.last + timedelta(days=1))


def month(text: str) -> Period:
    match = _MONTH.match(text or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise PeriodError("month 须为 YYYY-MM,如 2026-11 / month must look like 2026-11")
    first = date(int(match[1]), int(match[2]), 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), text)


def month_of(day: date) -> Period:
    return month(f"{day.year:04d}-{day.month:02d}")


def recent(kind: str, today: date, count: int) -> list[Period]:
    """The `count` weeks (or months) up to the one holding `today`, newest first: the list a
    bulletins page offers to read or publish."""
    current = week_of(today) if kind == "weekly" else month_of(today)
    out = [current]
    while len(out) < count:
        out.append(
            week_of(out[-1].first - timedelta(days=7))
            if kind == "weekly"
            else month_of(out[-1].first - timedelta(days=1))
        )
    return out
