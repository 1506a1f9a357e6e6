"""Due times, warnings and escalation; the periodic job that uses them is `jobs.tick`.

The unit's clock runs only while a case is `dispatched`: `returned` (back to the dispatcher),
`rectified` (waiting for the on-site check) and every later status stop it. On dispatch, rework,
reopen or an approved extension the workflow announces a new due period
(`workflow.signals.due_period_started`) and `set_due` below stores the new `due_at`: a new due
period, with its own warning and its own 督办. A supervisor's 督办 arrives the same way
(`escalation_requested`). The workflow never imports this module.

Everything here flushes and never commits: the request owner (inspector/http.py) or the job
owner (jobs.py) commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from ..access.actor import Actor
from ..extensions import db
from ..org.models import Unit
from ..timeutil import as_utc, iso_local, utcnow
from ..workflow.models import Case
from ..workflow.signals import due_period_started, escalation_requested
from ..workflow.states import CLOCK_RUNNING
from ..workflow.timeline import append_event
from . import schedule
from .calendar import OfficeHours, add_work_time, work_time_between
from .models import Notification
from .rules import LEVEL_NAMES, LEVEL_NAMES_EN, PUBLICLY_SUPERVISED, next_level, should_warn

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


def office_hours() -> OfficeHours:
    """The app's office hours, parsed once at start-up."""
    return current_app.extensions[_EXT]


def due_time(start: datetime, value: int, unit: str) -> datetime:
    """When a limit of `value` work_hours/work_days started at `start` falls due (aware UTC)."""
    return add_work_time(
        as_utc(start), value, unit, office_hours(), schedule.official_calendar().is_workday
    )


@due_period_started.connect
def _on_due_period_started(case: Case, start: datetime, value: int, unit: str) -> None:
    set_due(case, start, value, unit)


@escalation_requested.connect
def _on_escalation_requested(case: Case, now: datetime) -> dict[str, Any]:
    return escalate(case, now)


def set_due(case: Case, start: datetime, value: int, unit: str) -> datetime:
    """Start a due period (dispatch, re-dispatch after rework, extension): new due, new warning.

    A due time that relies on a year without an official schedule is marked provisional.
    """
    case.due_at = due_time(start, value, unit)
    case.due_provisional = schedule.provisional(start, case.due_at, office_hours().tz)
    case.warned_at = None
    return case.due_at


def work_time(a: datetime, b: datetime) -> timedelta:
    """Working time between two moments (negative when b is earlier): for stats and messages."""
    return work_time_between(
        as_utc(a), as_utc(b), office_hours(), schedule.official_calendar().is_workday
    )


def _local(value: datetime) -> str:
    return as_utc(value).astimezone(office_hours().tz).strftime("%Y-%m-%d %H:%M")


def _hours_minutes(delta: timedelta) -> tuple[int, int]:
    minutes = int(delta.total_seconds() // 60)
    return divmod(minutes, 60)


def warning_due(
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
    remaining = warning_due(case.due_at, case.dispatched_at, now)
    if remaining is None:
        return False
    case.warned_at = now
    db.session.flush()  # takes the row (version check) before anything else is written
    (h, m), due = _hours_minutes(remaining), _local(case.due_at)
    hours_left = round(remaining.total_seconds() / 3600, 2)
    data = {**case.due_data(), "remaining_work_hours": hours_left}
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
    if not case.is_overdue(now):
        return None
    if case.escalated_due_at is not None and as_utc(case.escalated_due_at) == as_utc(case.due_at):
        return None
    case.escalated_due_at = case.due_at
    case.overdue_count = (case.overdue_count or 0) + 1
    return raise_escalation(case, None, now, overdue=True)


def escalate(case: Case, now: datetime, overdue: bool = False) -> dict[str, Any]:
    """The one escalation step: level, notices; returns the `escalate` event's data. Flushes only.

    For the workflow's `escalate` action (a supervisor's 督办), whose handler returns the event
    data that `perform` records, and for the job (`raise_escalation` records it). The first flush
    takes the row through the version check before anything else is written.
    """
    data = _raise_level(case)
    db.session.flush()
    notify_escalation(case, data["level"], now, overdue)
    return data


def _raise_level(case: Case) -> dict[str, Any]:
    """Raise the case one level (rules.next_level). `notify`: the head's name on 挂牌督办."""
    case.escalation_level = next_level(case.escalation_level or 0, case.overdue_count or 0)
    level = case.escalation_level
    unit = case.unit
    return {
        "level": level,
        "level_name": LEVEL_NAMES[level],
        "notify": unit.head_name if unit and level == PUBLICLY_SUPERVISED else None,
        "unit_name": unit.name if unit else None,
        "unit_code": unit.code if unit else None,  # statistics attribute the 督办 to it
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
    """The job's escalation: `escalate`, then its `escalate` event. Flushes only.

    The caller has already changed what it owns (overdue_count for the job).
    """
    now = as_utc(now or utcnow())
    data = escalate(case, now, overdue)
    append_event(case, actor, "escalate", case.status, case.status, note=note, data=data, at=now)
    return data["level"]


def notify_takeover(case: Case, old_unit: Unit | None, zone_name: str, now: datetime) -> None:
    """逾期上交: the unit that now holds the case must know it has a new, running deadline; the
    unit that lost it learns why (its indicators count the case as taken over from it)."""
    unit = case.unit
    due = _local(case.due_at) if case.due_at else None
    was = old_unit.name if old_unit else "原责任单位"
    _notify(
        case,
        "takeover",
        None,
        "unit",
        unit.name,
        f"接手整改:案件 {case.number} 在{was}逾期未整改,已转由{zone_name}的{unit.name}整改,"
        f"请于 {due} 前处置 / takeover: case {case.number}, overdue at {was}, is now yours; "
        f"due {due}",
        now,
    )
    if old_unit is not None:
        _notify(
            case,
            "takeover",
            None,
            "unit",
            old_unit.name,
            f"案件 {case.number} 逾期未整改,已按规定转由{zone_name}的{unit.name}整改,"
            f"计入本单位被接手案件 / case {case.number} was overdue and passed to {unit.name}",
            now,
            unit_id=old_unit.id,
        )


def _notify(
    case: Case,
    kind: str,
    level: int | None,
    recipient: str,
    name: str | None,
    text: str,
    now: datetime,
    unit_id: int | None = None,
) -> None:
    """A notice about the case, to its unit unless another unit (`unit_id`) is named."""
    db.session.add(
        Notification(
            case_id=case.id,
            unit_id=unit_id or case.unit_id,
            kind=kind,
            level=level,
            recipient=recipient,
            recipient_name=name,
            message=text,
            created_at=now,
        )
    )
    db.session.flush()
