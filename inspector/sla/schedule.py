"""The official calendar in force: schedules loaded into the database over the packages.

`calendar load` stores a year's schedule (sla/models.py) and moves the `calendar` counter of the
`revision` table in the same transaction. Every process keeps one OfficialCalendar (official.py)
built from the loaded years, and re-reads the counter at most every CALENDAR_CHECK_SECONDS; it
rebuilds only when the counter moved (the grid index does the same with `zones`). The loading
process re-checks right after its commit, so its own change counts at once.

Loading a year also moves the due times of the open cases whose clock runs through that year: the
unit keeps the working time it was given (counted on the old calendar from the dispatch), now
laid out on the new calendar, and the case's timeline says so (a `reschedule` event).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..revisions import bump_revision, read_revision
from ..timeutil import as_utc, iso_local
from ..workflow.models import Case
from ..workflow.states import CLOCK_RUNNING
from ..workflow.timeline import append_event
from .calendar import OfficeHours, add_working_time, work_time_between
from .calendar_file import CalendarFile
from .official import HOLIDAY, MAKEUP_WORKDAY, LoadedYear, OfficialCalendar

CALENDAR_REVISION = "calendar"
_EXT = "inspector.calendar_cache"


@dataclass
class _Cache:
    check_seconds: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    revision: int | None = None
    calendar: OfficialCalendar = field(default_factory=OfficialCalendar)
    checked_at: float = float("-inf")


def _cache(app: Flask | None = None) -> _Cache:
    app = app or current_app._get_current_object()
    cache = app.extensions.get(_EXT)
    if cache is None:
        seconds = float(app.config.get("CALENDAR_CHECK_SECONDS", 1.0))
        cache = app.extensions.setdefault(_EXT, _Cache(seconds))
    return cache


def official_calendar() -> OfficialCalendar:
    """The calendar this process uses now (loaded years of the last committed revision).

    Its `is_workday` is the one to pass to sla/calendar.py; take it once per computation.
    """
    cache = _cache()
    now = time.monotonic()
    if now - cache.checked_at < cache.check_seconds:
        return cache.calendar
    with cache.lock:
        if now - cache.checked_at >= cache.check_seconds:
            if read_revision(db.session, CALENDAR_REVISION) != cache.revision:
                # Built from committed rows only, on a connection of its own (as the grid index).
                with db.engine.connect() as conn:
                    revision = read_revision(conn, CALENDAR_REVISION)
                    cache.calendar = OfficialCalendar(_loaded_years(conn))
                cache.revision = revision
            cache.checked_at = now
        return cache.calendar


def _loaded_years(conn: Any) -> dict[int, LoadedYear]:
    from .models import CalendarDay, CalendarYear

    years = conn.execute(select(CalendarYear.year)).scalars().all()
    holidays: dict[int, dict[date, str]] = {year: {} for year in years}
    workdays: dict[int, dict[date, str | None]] = {year: {} for year in years}
    for row in conn.execute(
        select(CalendarDay.year, CalendarDay.day, CalendarDay.kind, CalendarDay.name)
    ):
        target = holidays if row.kind == HOLIDAY else workdays
        target[row.year][row.day] = row.name
    return {year: LoadedYear(year, holidays[year], workdays[year]) for year in years}


def _invalidate(app: Flask) -> Callable[[], None]:
    def invalidate() -> None:
        _cache(app).checked_at = float("-inf")

    return invalidate


def provisional(start: datetime, due: datetime, tz: Any) -> bool:
    """A due period that touches a year without an official schedule may still move."""
    return official_calendar().provisional(
        as_utc(start).astimezone(tz).date(), as_utc(due).astimezone(tz).date()
    )


def missing_schedule_year(now: datetime, tz: Any) -> int | None:
    """The year whose official schedule should be loaded by now, if it is not known.

    The State Council publishes the next year's schedule in November: from 1 December the next
    year should be known (loaded or in the package); the current year always.
    """
    today = as_utc(now).astimezone(tz).date()
    calendar = official_calendar()
    if not calendar.known(today.year):
        return today.year
    if today.month == 12 and not calendar.known(today.year + 1):
        return today.year + 1
    return None


@dataclass(frozen=True)
class LoadResult:
    year: int
    replaced: bool
    holidays: int
    workdays: int
    rescheduled: list[tuple[str, str | None, str | None]]  # (case number, old due, new due)


def load_schedule(parsed: CalendarFile, text: str, hours: OfficeHours, now: datetime) -> LoadResult:
    """Store a year's schedule (replacing a previous load) and move the affected due times.

    Flushes only: the caller commits (then every process picks the new schedule up). A case
    changed concurrently makes the flush fail (Case.version): nothing is half-loaded.
    """
    from .models import CalendarDay, CalendarYear

    schedule = parsed.schedule
    year = schedule.year
    before = OfficialCalendar(_loaded_years(db.session))
    after = OfficialCalendar({**before.loaded, year: schedule})
    digest = hashlib.sha256(text.encode()).hexdigest()
    existing = db.session.get(CalendarYear, year)
    if existing is None:
        db.session.add(CalendarYear(year=year, notice=parsed.notice, sha256=digest, loaded_at=now))
    else:
        existing.notice, existing.sha256, existing.loaded_at = parsed.notice, digest, now
        db.session.execute(delete(CalendarDay).where(CalendarDay.year == year))
    db.session.flush()
    db.session.add_all(
        [CalendarDay(day=d, year=year, kind=HOLIDAY, name=n) for d, n in schedule.holidays.items()]
        + [
            CalendarDay(day=d, year=year, kind=MAKEUP_WORKDAY, name=n)
            for d, n in schedule.workdays.items()
        ]
    )
    bump_revision(CALENDAR_REVISION, _invalidate(current_app._get_current_object()))
    moved = _reschedule(year, before, after, hours, now)
    return LoadResult(
        year, existing is not None, len(schedule.holidays), len(schedule.workdays), moved
    )


def _reschedule(
    year: int, before: OfficialCalendar, after: OfficialCalendar, hours: OfficeHours, now: datetime
) -> list[tuple[str, str | None, str | None]]:
    """Open dispatched cases whose clock runs into `year`: same working time, new calendar."""
    year_start = datetime(year, 1, 1, tzinfo=hours.tz)
    next_start = datetime(year + 1, 1, 1, tzinfo=hours.tz)
    cases = db.session.scalars(
        select(Case)
        .where(Case.status.in_(CLOCK_RUNNING), Case.due_at.is_not(None))
        .where(Case.dispatched_at.is_not(None))
        .where(Case.due_at >= year_start, Case.dispatched_at < next_start)
        .order_by(Case.id)
    ).all()
    moved = []
    for case in cases:
        start, old_due = as_utc(case.dispatched_at), as_utc(case.due_at)
        given = work_time_between(start, old_due, hours, before.is_workday)
        new_due = add_working_time(start, max(given, timedelta(0)), hours, after.is_workday)
        local = (start.astimezone(hours.tz).date(), new_due.astimezone(hours.tz).date())
        now_provisional = after.provisional(*local)
        if new_due == old_due and now_provisional == bool(case.due_provisional):
            continue
        if case.escalated_due_at is not None and as_utc(case.escalated_due_at) == old_due:
            case.escalated_due_at = new_due  # this due period was escalated already: not twice
        case.due_at, case.due_provisional = new_due, now_provisional
        db.session.flush()  # takes the row (version check) before the event is written
        data = {
            "calendar_year": year,
            "from_due_at": iso_local(old_due),
            "due_at": iso_local(new_due),
            "due_provisional": now_provisional,
        }
        append_event(
            case,
            None,
            "reschedule",
            case.status,
            case.status,
            note=f"已载入 {year} 年节假日安排,到期时间重新计算 / "
            f"the {year} holiday schedule was loaded, due time recomputed",
            data=data,
            at=now,
        )
        moved.append((case.number, data["from_due_at"], data["due_at"]))
    return moved
