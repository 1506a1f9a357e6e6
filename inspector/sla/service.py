"""Due times, overdue, and the periodic job (`flask --app inspector tick`): warn, then escalate.

The unit's clock runs only while a case is `dispatched`: `returned` (back to the dispatcher),
`rectified` (waiting for the on-site check) and every later status stop it. After rework or an
approved extension the workflow stores a new `due_at` (with `set_due`) and the case is
`dispatched` again: a new due period, with its own warning and its own 督办.

Several hosts may run `tick` at the same moment (cron everywhere). Each case is changed in its own
short transaction through the Case.version optimistic lock: the second tick's UPDATE matches no
row (it waits for the first one's row lock on PostgreSQL, for the write lock on SQLite), raises
StaleDataError and is rolled back before it wrote any event or notification.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.elements import ColumnElement

from ..access.actor import Actor
from ..access.idempotency import purge_idempotency_records
from ..extensions import db
from ..timeutil import as_utc, iso_local, utcnow
from ..workflow.models import Case
from ..workflow.states import CLOCK_RUNNING
from ..workflow.timeline import append_event
from . import schedule
from .calendar import OfficeHours, add_work_time, work_time_between
from .models import Notification
from .rules import LEVEL_NAMES, LEVEL_NAMES_EN, PUBLICLY_SUPERVISED, next_level, should_warn

log = logging.getLogger(__name__)

_EXT = "inspector_sla"


def init_app(app: Flask) -> None:
    """Check the SLA settings when the app starts (a bad OFFICE_HOURS must not wait for a case)."""
    hours = OfficeHours.parse(app.config["OFFICE_HOURS"], ZoneInfo(app.config["TIMEZONE"]))
    fraction = float(app.config["SLA_WARN_FRACTION"])
    if not 0 <= fraction < 1:
        raise ValueError("SLA_WARN_FRACTION 须在 0 与 1 之间 / must be between 0 and 1")
    if float(app.config["SLA_WARN_WORK_HOURS"]) < 0:
        raise ValueError("SLA_WARN_WORK_HOURS 不能为负 / must not be negative")
    app.extensions[_EXT] = hours
    from .cli import calendar_cli, tick_command

    app.cli.add_command(tick_command)
    app.cli.add_command(calendar_cli)


def office_hours() -> OfficeHours:
    """The app's office hours, parsed once at start-up."""
    return current_app.extensions[_EXT]


def due_time(start: datetime, value: int, unit: str) -> datetime:
    """When a limit of `value` work_hours/work_days started at `start` falls due (aware UTC)."""
    return add_work_time(
        as_utc(start), value, unit, office_hours(), schedule.official_calendar().is_workday
    )


def set_due(case: Case, start: datetime, value: int, unit: str) -> datetime:
    """Start a due period (dispatch, re-dispatch after rework, extension): new due, new warning.

    A due time that relies on a year without an official schedule is marked provisional.
    """
    case.due_at = due_time(start, value, unit)
    case.due_provisional = schedule.provisional(start, case.due_at, office_hours().tz)
    case.warned_at = None
    return case.due_at


def due_data(case: Case) -> dict[str, Any]:
    """The due time as timeline events and answers carry it; `due_provisional` only when true."""
    data: dict[str, Any] = {"due_at": iso_local(case.due_at)}
    if case.due_provisional:
        data["due_provisional"] = True
    return data


def work_time(a: datetime, b: datetime) -> timedelta:
    """Working time between two moments (negative when b is earlier): for stats and messages."""
    return work_time_between(
        as_utc(a), as_utc(b), office_hours(), schedule.official_calendar().is_workday
    )


def is_overdue(case: Case, now: datetime | None = None) -> bool:
    """Overdue = the unit's clock is running (`dispatched`) and its due time has passed."""
    now = as_utc(now or utcnow())
    return case.status in CLOCK_RUNNING and case.due_at is not None and as_utc(case.due_at) < now


def overdue_clause(now: datetime | None = None) -> ColumnElement[bool]:
    """`is_overdue` as a SQL filter (GET /cases?overdue=true, statistics)."""
    now = as_utc(now or utcnow())
    return Case.status.in_(CLOCK_RUNNING) & Case.due_at.is_not(None) & (Case.due_at < now)


def _local(value: datetime) -> str:
    return as_utc(value).astimezone(office_hours().tz).strftime("%Y-%m-%d %H:%M")


def _hours_minutes(delta: timedelta) -> tuple[int, int]:
    minutes = int(delta.total_seconds() // 60)
    return divmod(minutes, 60)


def _warning_due(
    due_at: datetime, dispatched_at: datetime | None, now: datetime
) -> timedelta | None:
    """The working time left when it is time to warn (rules.should_warn), else None."""
    remaining = work_time(now, due_at)
    allowed = work_time(dispatched_at, due_at) if dispatched_at else None
    cfg = current_app.config
    floor = timedelta(hours=float(cfg["SLA_WARN_WORK_HOURS"]))
    if should_warn(remaining, allowed, float(cfg["SLA_WARN_FRACTION"]), floor):
        return remaining
    return None


def warn_case(case: Case, now: datetime) -> bool:
    """Warn the unit once per due period when little working time is left. Flushes only."""
    if case.status not in CLOCK_RUNNING or case.due_at is None or case.warned_at is not None:
        return False
    remaining = _warning_due(case.due_at, case.dispatched_at, now)
    if remaining is None:
        return False
    case.warned_at = now
    db.session.flush()  # takes the row (version check) before anything else is written
    (h, m), due = _hours_minutes(remaining), _local(case.due_at)
    hours_left = round(remaining.total_seconds() / 3600, 2)
    data = {**due_data(case), "remaining_work_hours": hours_left}
    append_event(case, None, "warn", case.status, case.status, data=data, at=now)
    _notify(
        case,
        "warn",
        None,
        "unit",
        None,
        f"案件 {case.number} 将于 {due} 到期,剩余工作时间 {h} 小时 {m} 分,请及时处置 / "
        f"Case {case.number} is due at {due}, {h} h {m} min of working time left",
        now,
    )
    return True


def escalate_case(case: Case, now: datetime) -> int | None:
    """督办 an overdue case once per due period; returns the new level. Flushes only."""
    if not is_overdue(case, now):
        return None
    if case.escalated_due_at is not None and as_utc(case.escalated_due_at) == as_utc(case.due_at):
        return None
    case.escalated_due_at = case.due_at
    case.overdue_count = (case.overdue_count or 0) + 1
    return raise_escalation(case, None, now, overdue=True)


def escalation_data(case: Case) -> dict[str, Any]:
    """Raise the case one escalation level (rules.next_level); the `escalate` event's data.

    For the workflow's `escalate` action (a supervisor's 督办), whose handler returns the event
    data, and for the job. `notify` is the unit head's name on 挂牌督办, else None.
    """
    case.escalation_level = next_level(case.escalation_level or 0, case.overdue_count or 0)
    level = case.escalation_level
    unit = case.unit
    return {
        "level": level,
        "level_name": LEVEL_NAMES[level],
        "notify": unit.head_name if unit and level == PUBLICLY_SUPERVISED else None,
        "unit_name": unit.name if unit else None,
        "overdue_count": case.overdue_count or 0,
        "due_at": iso_local(case.due_at),
    }


def notify_escalation(case: Case, level: int, now: datetime, overdue: bool = False) -> None:
    """Tell the unit of a 督办, and on 挂牌督办 its head too. Nothing when no unit has the case."""
    unit = case.unit
    if unit is None:  # a supervisor may escalate before dispatch: nobody to tell yet
        return
    name, en = LEVEL_NAMES[level], LEVEL_NAMES_EN[level]
    due = _local(case.due_at) if case.due_at else None
    text = (
        f"{name}:案件 {case.number} 已超期(应于 {due} 前处置),请立即处置 / "
        f"{en}: case {case.number} is overdue since {due}"
        if overdue and due
        else f"{name}:督查组督办案件 {case.number} / {en}: case {case.number} escalated"
    )
    _notify(case, "escalate", level, "unit", unit.name, text, now)
    if level == PUBLICLY_SUPERVISED:
        _notify(
            case,
            "escalate",
            level,
            "unit_head",
            unit.head_name,
            f"挂牌督办:请{unit.head_name or '单位负责人'}督促{unit.name}处置案件 {case.number} / "
            f"publicly supervised: the head of {unit.name} must see case {case.number} through",
            now,
        )


def raise_escalation(
    case: Case,
    actor: Actor | None,
    now: datetime | None = None,
    note: str | None = None,
    overdue: bool = False,
) -> int:
    """One whole escalation step: level, `escalate` event, notices. Flushes only.

    The caller has already changed what it owns (overdue_count for the job). The first flush
    takes the row through the version check before anything else is written.
    """
    now = as_utc(now or utcnow())
    data = escalation_data(case)
    db.session.flush()
    append_event(case, actor, "escalate", case.status, case.status, note=note, data=data, at=now)
    notify_escalation(case, data["level"], now, overdue)
    return data["level"]


def _notify(
    case: Case,
    kind: str,
    level: int | None,
    recipient: str,
    name: str | None,
    text: str,
    now: datetime,
) -> None:
    db.session.add(
        Notification(
            case_id=case.id,
            unit_id=case.unit_id,
            kind=kind,
            level=level,
            recipient=recipient,
            recipient_name=name,
            message=text,
            created_at=now,
        )
    )
    db.session.flush()


def _candidates(now: datetime) -> tuple[int, list[int]]:
    """(cases looked at, ids with something to do): decided on plain rows, without locking any."""
    due_passed = Case.due_at < now
    new_period = or_(Case.escalated_due_at.is_(None), Case.escalated_due_at != Case.due_at)
    query = (
        select(Case.id, Case.due_at, Case.dispatched_at)
        .where(Case.status.in_(CLOCK_RUNNING), Case.due_at.is_not(None))
        .where(or_(due_passed & new_period, ~due_passed & Case.warned_at.is_(None)))
        .order_by(Case.id)
    )
    rows = db.session.execute(query).all()
    todo = [
        row.id
        for row in rows
        if as_utc(row.due_at) < now or _warning_due(row.due_at, row.dispatched_at, now)
    ]
    return len(rows), todo


def _warn_missing_schedule(now: datetime) -> int:
    """From 1 December, tell administrators (log, and the `tick` command's output) when next
    year's official schedule is neither loaded nor in the package; 0 when all is well."""
    year = schedule.missing_schedule_year(now, office_hours().tz)
    if year is None:
        return 0
    log.warning(
        "尚无 %s 年官方节假日安排,到期时间按法定节假日暂定;请用 calendar load 载入 / "
        "no official holiday schedule for %s yet: due times are provisional; load it with "
        "`flask --app inspector calendar load FILE`",
        year,
        year,
    )
    return year


def tick(now: datetime | None = None) -> dict[str, int]:
    """The periodic job: escalate overdue cases, warn those close to due. Commits per case.

    It is the job's entry point (like a view), so it owns its transactions: one short one per
    case, so that a lost race (another host's tick, a dispatcher's action) skips just that case.
    """
    now = as_utc(now or utcnow())
    summary = {
        "checked": 0,
        "warned": 0,
        "escalated": 0,
        "supervised": 0,
        "publicly_supervised": 0,
        "skipped": 0,
    }
    summary["checked"], todo = _candidates(now)
    for case_id in todo:
        try:
            case = db.session.get(Case, case_id)
            level = escalate_case(case, now) if case else None
            warned = bool(case) and level is None and warn_case(case, now)
            db.session.commit()
        except (StaleDataError, IntegrityError, OperationalError) as exc:
            db.session.rollback()
            summary["skipped"] += 1
            log.info(
                "tick: case %s changed concurrently, skipped (%s)", case_id, type(exc).__name__
            )
            continue
        if level:
            summary["escalated"] += 1
            summary["supervised" if level == 1 else "publicly_supervised"] += 1
        elif warned:
            summary["warned"] += 1
    # Housekeeping that belongs to the same periodic run: old Idempotency-Key answers.
    summary["idempotency_purged"] = purge_idempotency_records(now)
    summary["schedule_missing_year"] = _warn_missing_schedule(now)
    db.session.commit()
    return summary
