"""The SQL aggregates behind the indicators: one GROUP BY per figure family, no per-case loop.

Everything here runs the same on SQLite and PostgreSQL (JSON fields through SQLAlchemy's JSON
type: json_extract on SQLite, ->> on PostgreSQL). `where` is a condition on Case: the caller's
visibility and the zone asked for. Periods are half-open [start, end) in UTC.

The unit figures take `ws`, a run of consecutive windows (one period, or the weeks the yellow
flag replays), and answer {(window index, key): {figure: n}} from ONE grouped query: the row's
window is a CASE over the windows' ends (`bucket`), so eight weeks cost one scan, not eight.
`only` drops the index when there is one window. A new unit figure is one more such function,
listed in UNIT_FIGURES.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, and_, case, exists, func, literal, literal_column, or_, select, text
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement, True_

from ..access.models import AccountZone
from ..dbtypes import UTCDateTime
from ..extensions import db
from ..findings.models import FindingItem
from ..org.models import Unit
from ..reports.models import Report
from ..workflow.models import Case, CaseEvent, CaseEventFact
from .elapsed import seconds_between

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


Figures = dict[tuple[int, Any], dict[str, int]]


def _at(value: datetime) -> Any:
    """A bound instant typed like the columns (naive UTC on both databases)."""
    return literal(value, UTCDateTime())


def in_span(column: Any, ws: Sequence[Window]) -> ColumnElement[bool]:
    return and_(column >= ws[0].start, column < ws[-1].end)


def bucket(column: Any, ws: Sequence[Window], values: Sequence[Any] | None = None) -> Any:
    """The index of the window holding `column` (or values[index]); rows must be in_span."""
    if len(ws) == 1:
        return literal(0) if values is None else values[0]
    whens = [(column < _at(w.end), i if values is None else values[i]) for i, w in enumerate(ws)]
    return case(*whens, else_=None)


def by_window(window: Any, ws: Sequence[Window]) -> tuple[Any, ...]:
    """GROUP BY terms for the window column: none for one window (a constant, never grouped)."""
    return (window,) if len(ws) > 1 else ()


def only(figures: dict[tuple[int, Any], Any]) -> dict[Any, Any]:
    """{key: value} of a one-window answer."""
    return {key: value for (_index, key), value in figures.items()}


def analytic() -> None:
    """PostgreSQL, for the rest of this transaction: no JIT (compiling these second-long
    aggregates cost more than running them: 4 s of 6 s on the bench's week replay) and memory
    enough to hash-aggregate the few hundred groups the planner cannot foresee. A no-op on
    SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))


def due_condition(w: Window) -> ColumnElement[bool]:
    """应结案: deadline in the period (and not closed before it began), or closed in the period
    before a deadline that falls after it. A deadline extended past the end (缓办) is no longer
    in the period, so it drops out by itself; due_at is the case's current deadline.

    Equivalently, a case is due in exactly one period: the one holding the earlier of its
    deadline and its closing time (`due_instant`); `case_figures` groups by that."""
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


def due_instant() -> Any:
    """min(due_at, closed_at): the instant whose period counts the case as 应结案 (see above)."""
    return case((Case.closed_at < Case.due_at, Case.closed_at), else_=Case.due_at)


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


# Statuses of a case still being worked on (overdue when its deadline has passed).
OPEN_AT_UNIT = ("dispatched", "rectified")
# An upper bound no closing time reaches: a range closed on both sides reads as narrow to
# SQLite's planner (no histogram: one side counts as a quarter of the table, two as 1/64).
FAR_FUTURE = datetime(9000, 1, 1, tzinfo=UTC)


def _open_in(ws: Sequence[Window]) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The rows the overdue sums look at, as two disjoint sets read by two queries: cases still
    open at the unit now (partial index ix_case_open_due), and the others closed after the first
    window's as_of (index on closed_at, a range closed on both sides). Together a superset of
    those overdue at some as_of; the CASE sums decide. As one OR, or with the deadline as the
    lead term, both databases read the whole case table by deadline (2.4 s on SQLite at a
    million cases)."""
    first = min(w.as_of for w in ws)
    last = max(w.as_of for w in ws)
    # literals, not bound parameters: SQLite matches a partial index's WHERE only to the same
    # constants written in the query; the deadline bound makes the index the cheapest read
    still_open = and_(
        Case.status.in_([literal_column(f"'{s}'", String) for s in OPEN_AT_UNIT]),
        Case.due_at < _at(last),
    )
    closed_since = and_(
        Case.status.not_in(OPEN_AT_UNIT + NOT_COUNTED + ("returned",)),
        Case.closed_at >= _at(first),
        Case.closed_at < _at(FAR_FUTURE),
    )
    return still_open, closed_since


def case_figures(group: Any, ws: Sequence[Window], where: ColumnElement[bool]) -> Figures:
    """due, closed, closed_on_time, overdue_open per window and group (Case.unit_id, ...)."""
    instant = due_instant()
    window = bucket(instant, ws)
    closed = and_(
        Case.status == "closed", Case.closed_at < bucket(instant, ws, [_at(w.end) for w in ws])
    )
    query = (
        select(
            window.label("window"),
            group.label("key"),
            func.count().label("due"),
            _count(closed).label("closed"),
            _count(and_(closed, _on_time())).label("closed_on_time"),
        )
        .where(Case.dispatched_at.is_not(None), Case.status.not_in(NOT_COUNTED))
        # the OR lets each side use its index; in_span(instant) keeps the exact rows
        .where(or_(in_span(Case.due_at, ws), in_span(Case.closed_at, ws)), in_span(instant, ws))
        .where(where, group.is_not(None))
        .group_by(*by_window(window, ws), group)
    )
    figures: Figures = defaultdict(dict)
    for row in db.session.execute(query):
        figures[(row.window, row.key)].update(
            due=row.due, closed=int(row.closed), closed_on_time=int(row.closed_on_time)
        )
    # Overdue open cases: its own query, so it can use its own index; one sum per window.
    sums = [_count(overdue_condition(w)).label(f"o{i}") for i, w in enumerate(ws)]
    for rows in _open_in(ws):
        overdue = select(group.label("key"), *sums).where(rows, where).group_by(group)
        for row in db.session.execute(overdue):
            if row.key is None:
                continue
            for i in range(len(ws)):
                if row[i + 1]:
                    found = figures[(i, row.key)]
                    found["overdue_open"] = found.get("overdue_open", 0) + int(row[i + 1])
    return figures


def _count_events(
    figures: Figures, rows: Any, key: Callable[[Any], Any] = lambda row: row.key
) -> None:
    """Add grouped event rows (window, key, action, passed, n) to `figures`."""
    for row in rows:
        found = figures[(row.window, key(row))]
        if row.action == "check":
            if row.passed is False:
                found["reworked"] += row.n
            continue
        found[EVENT_FIGURES[row.action]] += row.n


def event_figures(
    group: Any, ws: Sequence[Window], where: ColumnElement[bool], by_unit: bool
) -> Figures:
    """dispatched, returned, extended, rectified, reworked (check failed), escalated per window
    and group, read from the events' facts (plain columns off the covering index (action, at,
    unit_code, passed, case_id)), never their JSON.

    by_unit: keyed ("code", the unit code the event names: dispatch, 退回, 整改, 核查, 延期, 督办
    record it, so a unit that returned a case keeps its figures after the case moved on). Events
    recorded before they carried it are charged to the case's unit, in a second query over just
    those (partial index ix_case_event_fact_unnamed), so the main one groups plain columns:
    a hash of ~150 groups, where grouping by COALESCE(code, subquery) made PostgreSQL sort the
    month's ~250,000 rows by text. City-wide the case table is not joined at all.
    Otherwise keyed by `group` (a Case column).
    """
    actions = tuple(EVENT_FIGURES) + ("check",)
    fact = CaseEventFact
    window = bucket(fact.at, ws)
    terms = (fact.action, fact.passed)
    span = (fact.action.in_(actions), in_span(fact.at, ws))
    scoped = not (by_unit and isinstance(where, True_))
    figures: Figures = defaultdict(lambda: defaultdict(int))
    if not by_unit:
        query = (
            select(window.label("window"), group.label("key"), *terms, func.count().label("n"))
            .join(Case, Case.id == fact.case_id)
            .where(*span, where)
            .group_by(*by_window(window, ws), group, *terms)
        )
        _count_events(figures, db.session.execute(query))
        return figures
    named = (
        select(window.label("window"), fact.unit_code.label("key"), *terms)
        .add_columns(func.count().label("n"))
        .where(*span, fact.unit_code.is_not(None))
        .group_by(*by_window(window, ws), fact.unit_code, *terms)
    )
    if scoped:
        named = named.join(Case, Case.id == fact.case_id).where(where)
    unnamed = (
        select(window.label("window"), Unit.code.label("key"), *terms)
        .add_columns(func.count().label("n"))
        .join(Case, Case.id == fact.case_id)
        .join(Unit, Unit.id == Case.unit_id)
        .where(*span, fact.unit_code.is_(None), where)
        .group_by(*by_window(window, ws), Unit.code, *terms)
    )
    for query in (named, unnamed):
        _count_events(figures, db.session.execute(query), lambda row: ("code", row.key))
    return figures


def recurrences(
    group_of_original: str, ws: Sequence[Window], where: ColumnElement[bool]
) -> Figures:
    """反弹 per unit (or category) of the ORIGINAL case: problems back after it was closed."""
    original = aliased(Case)
    key = getattr(original, group_of_original)
    window = bucket(Case.created_at, ws)
    query = (
        select(window.label("window"), key.label("key"), func.count().label("n"))
        .select_from(Case)
        .join(original, original.id == Case.recurrence_of_id)
        # the join implies it; said here so the partial index ix_case_recurrence_created serves
        .where(Case.recurrence_of_id.is_not(None), in_span(Case.created_at, ws))
        .where(Case.status.not_in(("rejected", "void")), where)
        .group_by(*by_window(window, ws), key)
    )
    return {(row.window, row.key): {"recurrences": row.n} for row in db.session.execute(query)}


def satisfaction(ws: Sequence[Window], where: ColumnElement[bool]) -> Figures:
    """满意度 per window and the case's unit: 12345 callbacks (回访) and residents' ratings.

    satisfaction_answers: callbacks answered (无法联系 left out) plus first ratings; satisfied:
    those answering 满意/基本满意, or a rating of 3 or more (the rate event's `satisfied`).
    A re-rating (its event `replaces` an earlier one) is not counted again: 引导重评 must not
    improve the figure.
    """
    satisfied = CaseEvent.data["satisfied"].as_string()
    outcome = CaseEvent.data["outcome"].as_string()
    first = CaseEvent.data["replaces"].as_string().is_(None)
    window = bucket(CaseEvent.at, ws)
    answered = or_(
        and_(CaseEvent.action == "callback", outcome != "unreachable"),
        and_(CaseEvent.action == "rate", first),
    )
    query = (
        select(window.label("window"), Case.unit_id.label("key"), satisfied.label("satisfied"))
        .add_columns(func.count().label("n"))
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.action.in_(("callback", "rate")), in_span(CaseEvent.at, ws))
        .where(answered, where, Case.unit_id.is_not(None))
        .group_by(*by_window(window, ws), Case.unit_id, satisfied)
    )
    figures: Figures = defaultdict(lambda: defaultdict(int))
    for row in db.session.execute(query):
        found = figures[(row.window, row.key)]
        found["satisfaction_answers"] += row.n
        if str(row.satisfied).lower() in ("1", "true"):
            found["satisfied"] += row.n
    return figures


def lost_marks(ws: Sequence[Window], where: ColumnElement[bool]) -> Figures:
    """丢分: marks lost in findings lists (问题清单) imported in the window, per the unit the
    import charged them to (`FindingItem.owner_unit_id`, fixed at import)."""
    window = bucket(FindingItem.created_at, ws)
    query = (
        select(window.label("window"), FindingItem.owner_unit_id.label("key"))
        .add_columns(func.coalesce(func.sum(FindingItem.lost_marks), 0).label("marks"))
        .join(Case, Case.id == FindingItem.case_id)
        .where(in_span(FindingItem.created_at, ws), FindingItem.owner_unit_id.is_not(None))
        .where(FindingItem.lost_marks.is_not(None), where)
        .group_by(*by_window(window, ws), FindingItem.owner_unit_id)
    )
    return {(r.window, r.key): {"lost_marks": float(r.marks)} for r in db.session.execute(query)}


def unit_case_figures(ws: Sequence[Window], where: ColumnElement[bool]) -> Figures:
    return case_figures(Case.unit_id, ws, where)


def unit_event_figures(ws: Sequence[Window], where: ColumnElement[bool]) -> Figures:
    return event_figures(None, ws, where, by_unit=True)


def unit_recurrences(ws: Sequence[Window], where: ColumnElement[bool]) -> Figures:
    return recurrences("unit_id", ws, where)


# Every figure of the unit table: (windows, where) -> {(window index, unit key): {name: n}},
# the key a unit id or ("code", unit code) (see event_figures). Add a figure here.
UNIT_FIGURES: tuple[Callable[[Sequence[Window], ColumnElement[bool]], Figures], ...] = (
    unit_case_figures,
    unit_event_figures,
    unit_recurrences,
    satisfaction,
    lost_marks,
)


def unit_figures(ws: Sequence[Window], where: ColumnElement[bool]) -> Figures:
    merged: Figures = defaultdict(lambda: defaultdict(int))
    for figure in UNIT_FIGURES:
        for key, found in figure(ws, where).items():
            for name, n in found.items():
                merged[key][name] += n
    return merged


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


def grid_on_time(
    w: Window, where: ColumnElement[bool], verify_seconds: float, check_seconds: float
) -> dict[int, dict[str, int]]:
    """Per grid: 核实 done within `verify_seconds` of the report (the case's creation), 核查
    within `check_seconds` of the rectification it checks (the latest before it)."""
    rectified = aliased(CaseEvent)
    since_rectify = (
        select(func.max(rectified.at))
        .where(rectified.case_id == CaseEvent.case_id, rectified.action == "rectify")
        .where(rectified.seq < CaseEvent.seq)
        .scalar_subquery()
    )
    verify_ok = and_(
        CaseEvent.action == "verify",
        seconds_between(Case.created_at, CaseEvent.at) <= verify_seconds,
    )
    check_ok = and_(
        CaseEvent.action == "check", seconds_between(since_rectify, CaseEvent.at) <= check_seconds
    )
    query = (
        select(Case.grid_id, _count(verify_ok).label("verify"), _count(check_ok).label("check"))
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.action.in_(("verify", "check")), CaseEvent.at >= w.start)
        .where(CaseEvent.at < w.end, where, Case.grid_id.is_not(None))
        .group_by(Case.grid_id)
    )
    return {
        row.grid_id: {"verified_on_time": int(row.verify), "checked_on_time": int(row.check)}
        for row in db.session.execute(query)
    }


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
