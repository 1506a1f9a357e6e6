"""The SQL aggregates behind the indicators: one GROUP BY per figure family, no per-case loop.

Everything here runs the same on SQLite and PostgreSQL (JSON fields through SQLAlchemy's JSON
type: json_extract on SQLite, ->> on PostgreSQL). `where` is a condition on Case: the caller's
visibility and the zone asked for. Periods are half-open [start, end) in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from ..access.models import AccountZone
from ..extensions import db
from ..reports.models import Report
from ..workflow.models import Case, CaseEvent

# Cases that never were a real task for a unit: not counted as due, closed or overdue.
NOT_COUNTED = ("rejected", "merged", "void")
# Timeline actions the indicators count, by the name of the figure they feed.
EVENT_FIGURES = {
    "dispatch": "dispatched",
    "return": "returned",
    "approve-extension": "extended",
    "rectify": "rectified",
    "escalate": "escalated",
}


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    as_of: datetime  # when "overdue open" is judged: the period's end, or now if earlier


def due_condition(w: Window) -> ColumnElement[bool]:
    """应结案: deadline in the period (and not closed before it began), or closed in the period
    before a deadline that falls after it. A deadline extended past the end (缓办) is no longer
    in the period, so it drops out by itself; due_at is the case's current deadline."""
    return and_(
        Case.dispatched_at.is_not(None),
        Case.status.not_in(NOT_COUNTED),
        or_(
            and_(
                Case.due_at >= w.start,
                Case.due_at < w.end,
                or_(Case.closed_at.is_(None), Case.closed_at >= w.start),
            ),
            and_(Case.closed_at >= w.start, Case.closed_at < w.end, Case.due_at >= w.end),
        ),
    )


def _closed(w: Window) -> ColumnElement[bool]:
    return and_(Case.status == "closed", Case.closed_at < w.end)


def _on_time() -> ColumnElement[bool]:
    """按期结案: rectified no later than the (current) deadline, then closed."""
    return and_(Case.rectified_at.is_not(None), Case.rectified_at <= Case.due_at)


def overdue_condition(w: Window) -> ColumnElement[bool]:
    """Open at `as_of` with its deadline passed: neither rectified nor closed by then."""
    return and_(
        Case.dispatched_at < w.as_of,
        Case.due_at < w.as_of,
        Case.status.not_in(NOT_COUNTED + ("returned",)),
        or_(Case.status.in_(("dispatched", "rectified")), Case.closed_at >= w.as_of),
        or_(Case.rectified_at.is_(None), Case.rectified_at >= w.as_of),
        or_(Case.closed_at.is_(None), Case.closed_at >= w.as_of),
    )


def case_figures(group: Any, w: Window, where: ColumnElement[bool]) -> dict[Any, dict[str, int]]:
    """due, closed, closed_on_time per group (Case.unit_id, Case.category_id, Case.district_id)."""
    due = due_condition(w)
    query = (
        select(
            group.label("key"),
            func.count().label("due"),
            _count(_closed(w)).label("closed"),
            _count(and_(_closed(w), _on_time())).label("closed_on_time"),
        )
        .where(due, where, group.is_not(None))
        .group_by(group)
    )
    figures: dict[Any, dict[str, int]] = defaultdict(dict)
    for row in db.session.execute(query):
        figures[row.key].update(
            due=row.due, closed=int(row.closed), closed_on_time=int(row.closed_on_time)
        )
    # Overdue open cases: its own query, so each one can use its own index.
    overdue = (
        select(group.label("key"), func.count().label("n"))
        .where(overdue_condition(w), where, group.is_not(None))
        .group_by(group)
    )
    for row in db.session.execute(overdue):
        figures[row.key]["overdue_open"] = row.n
    return figures


def event_unit_code() -> Any:
    """The unit an event is charged to: the one it names (dispatch, 退回, 整改, 核查, 延期, 督办
    record it), so a unit that returned a case keeps its figures after the case moved on."""
    return CaseEvent.data["unit_code"].as_string()


def event_figures(
    group: Any, w: Window, where: ColumnElement[bool], by_unit: bool
) -> dict[Any, dict[str, int]]:
    """dispatched, returned, extended, rectified, reworked (check failed), escalated per group.

    by_unit: group by the unit the event names, falling back to the case's unit for events
    recorded before events carried it. Otherwise group by `group` (a Case column).
    """
    actions = tuple(EVENT_FIGURES) + ("check",)
    passed = CaseEvent.data["passed"].as_string()
    keys = (event_unit_code().label("code"), Case.unit_id.label("key")) if by_unit else ()
    if not by_unit:
        keys = (literal(None).label("code"), group.label("key"))
    query = (
        select(*keys, CaseEvent.action, passed.label("passed"), func.count().label("n"))
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.action.in_(actions), CaseEvent.at >= w.start, CaseEvent.at < w.end)
        .where(where)
        .group_by(keys[0], keys[1], CaseEvent.action, passed)
    )
    figures: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in db.session.execute(query):
        key = ("code", row.code) if by_unit and row.code else ("id", row.key)
        if row.action == "check":
            if str(row.passed).lower() in ("0", "false"):
                figures[key]["reworked"] += row.n
            continue
        figures[key][EVENT_FIGURES[row.action]] += row.n
    return figures


def recurrences(group_of_original: str, w: Window, where: ColumnElement[bool]) -> dict[Any, int]:
    """反弹 per unit (or category) of the ORIGINAL case: problems back after it was closed."""
    original = aliased(Case)
    key = getattr(original, group_of_original)
    query = (
        select(key.label("key"), func.count().label("n"))
        .select_from(Case)
        .join(original, original.id == Case.recurrence_of_id)
        .where(Case.created_at >= w.start, Case.created_at < w.end)
        .where(Case.status.not_in(("rejected", "void")), where)
        .group_by(key)
    )
    return {row.key: row.n for row in db.session.execute(query)}


def reported(group: Any, w: Window, where: ColumnElement[bool]) -> dict[Any, int]:
    """Cases opened in the period (受理), per group."""
    query = (
        select(group.label("key"), func.count().label("n"))
        .where(Case.created_at >= w.start, Case.created_at < w.end, where, group.is_not(None))
        .group_by(group)
    )
    return {row.key: row.n for row in db.session.execute(query)}


def grid_figures(w: Window, where: ColumnElement[bool]) -> dict[int, dict[str, int]]:
    """Per grid: cases opened, found by the grid's own worker, 漏报 (first reported by others)."""
    own_worker = exists().where(
        Report.case_id == Case.id,
        Report.source == "patrol",
        AccountZone.account_id == Report.reporter_id,
        AccountZone.zone_id.in_(
            (Case.grid_id, Case.community_id, Case.subdistrict_id, Case.district_id)
        ),
    )
    found = and_(Case.source == "patrol", own_worker)
    query = (
        select(Case.grid_id.label("key"), func.count().label("n"), _count(found).label("found"))
        .where(Case.created_at >= w.start, Case.created_at < w.end, where)
        .where(Case.grid_id.is_not(None), Case.status != "void")
        .group_by(Case.grid_id)
    )
    figures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in db.session.execute(query):
        figures[row.key].update(reported=row.n, found_by_worker=int(row.found))
    checks = CaseEvent.data["passed"].as_string()
    events = (
        select(Case.grid_id, CaseEvent.action, checks.label("passed"), func.count().label("n"))
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.action.in_(("verify", "check")), CaseEvent.at >= w.start)
        .where(CaseEvent.at < w.end, where, Case.grid_id.is_not(None))
        .group_by(Case.grid_id, CaseEvent.action, checks)
    )
    for row in db.session.execute(events):
        if row.action == "verify":
            figures[row.grid_id]["verified"] += row.n
        else:
            figures[row.grid_id]["checked"] += row.n
            if str(row.passed).lower() in ("0", "false"):
                figures[row.grid_id]["check_failed"] += row.n
    return figures


def reporter_figures(w: Window, where: ColumnElement[bool]) -> list[Any]:
    """Per reporting account: reports sent in the period, and how many became real cases."""
    valid = and_(Case.filed_at.is_not(None), Case.status.not_in(("rejected", "void")))
    query = (
        select(Report.reporter_id, func.count().label("sent"), _count(valid).label("valid"))
        .join(Case, Case.id == Report.case_id)
        .where(Report.created_at >= w.start, Report.created_at < w.end)
        .where(Report.reporter_id.is_not(None), where)
        .group_by(Report.reporter_id)
    )
    return list(db.session.execute(query))


def daily_new_closed(days: list[tuple[datetime, datetime]], where: ColumnElement[bool]) -> list:
    """New and closed cases per day: one row of CASE sums (the same SQL on both databases)."""
    start, end = days[0][0], days[-1][1]
    columns = []
    for index, (a, b) in enumerate(days):
        columns.append(_count(and_(Case.created_at >= a, Case.created_at < b)).label(f"n{index}"))
        columns.append(
            _count(and_(Case.status == "closed", Case.closed_at >= a, Case.closed_at < b)).label(
                f"c{index}"
            )
        )
    query = select(*columns).where(
        or_(
            and_(Case.created_at >= start, Case.created_at < end),
            and_(Case.closed_at >= start, Case.closed_at < end),
        ),
        where,
    )
    row = db.session.execute(query).one()
    return [(int(row[2 * i]), int(row[2 * i + 1])) for i in range(len(days))]


def filed(group: Any, w: Window, where: ColumnElement[bool]) -> dict[Any, int]:
    """Cases filed (立案) in the period, per group."""
    query = (
        select(group.label("key"), func.count().label("n"))
        .where(Case.filed_at >= w.start, Case.filed_at < w.end, where)
        .group_by(group)
    )
    return {row.key: row.n for row in db.session.execute(query)}


def overdue_cases(w: Window, where: ColumnElement[bool], limit: int) -> list[Case]:
    query = (
        select(Case).where(overdue_condition(w), where).order_by(Case.due_at, Case.id).limit(limit)
    )
    return list(db.session.scalars(query))


def escalated_cases(w: Window, where: ColumnElement[bool], limit: int) -> list[Any]:
    """Cases escalated (督办) in the period with their highest level reached in it."""
    query = (
        select(Case.id, func.count().label("times"))
        .join(CaseEvent, CaseEvent.case_id == Case.id)
        .where(CaseEvent.action == "escalate", CaseEvent.at >= w.start, CaseEvent.at < w.end)
        .where(where)
        .group_by(Case.id)
        .order_by(func.count().desc(), Case.id)
        .limit(limit)
    )
    return list(db.session.execute(query))


def recurrence_hotspots(w: Window, where: ColumnElement[bool], limit: int) -> list[Any]:
    """Grids where problems came back most often in the period (反弹热点)."""
    query = (
        select(Case.grid_id, func.count().label("n"))
        .where(Case.recurrence_of_id.is_not(None), Case.created_at >= w.start)
        .where(Case.created_at < w.end, Case.status.not_in(("rejected", "void")), where)
        .group_by(Case.grid_id)
        .order_by(func.count().desc(), Case.grid_id)
        .limit(limit)
    )
    return list(db.session.execute(query))
