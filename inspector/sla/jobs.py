"""The periodic job (`flask --app inspector tick`): warn, then escalate; it owns its transactions.

Several hosts may run `tick` at the same moment (cron everywhere). Each case is changed in its own
short transaction through the Case.version optimistic lock: the second tick's UPDATE matches no
row (it waits for the first one's row lock on PostgreSQL, for the write lock on SQLite), raises
StaleDataError and is rolled back before it wrote any event or notification.

Other periodic work hooks in through the `tick_ran` signal (missed patrols: patrols/jobs.py), so
the SLA names none of it; each receiver owns its transactions the same way and answers the
figures it adds to the summary.
"""

from __future__ import annotations

import logging
from datetime import datetime

from blinker import Namespace
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..access import limit_store, lockout
from ..access.idempotency import purge_idempotency_records
from ..errors import ApiError
from ..extensions import db
from ..timeutil import as_utc, utcnow
from ..workflow.models import Case
from ..workflow.states import CLOCK_RUNNING
from . import schedule, takeover
from .service import escalate_case, office_hours, warn_case, warning_due

log = logging.getLogger(__name__)

#: sender: None; kwargs: now (aware UTC). Each receiver does its part of the periodic run,
#: commits per item, and answers a dict of figures merged into tick's summary.
tick_ran = Namespace().signal("tick-ran")


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
        if as_utc(row.due_at) < now or warning_due(row.due_at, row.dispatched_at, now)
    ]
    return len(rows), todo


def _take_over(now: datetime, summary: dict[str, int]) -> None:
    """逾期上交下一级 first: a case passed to its subdistrict gets a new due time, so the
    escalation pass below no longer sees it overdue. One transaction per case."""
    for case_id in takeover.candidates(now):
        try:
            case = db.session.get(Case, case_id)
            done = bool(case) and takeover.take_over(case, now)
            db.session.commit()
        except (StaleDataError, IntegrityError, OperationalError, ApiError) as exc:
            db.session.rollback()  # claim() lost the race: ApiError 409 before anything written
            summary["skipped"] += 1
            log.info("tick: takeover of case %s skipped (%s)", case_id, type(exc).__name__)
            continue
        summary["taken_over"] += done


def tick(now: datetime | None = None) -> dict[str, int]:
    """The periodic job: pass long-overdue cases to the next tier, escalate overdue cases,
    warn those close to due. Commits per case.

    The job owns its transactions (as the request owner does for views): one short one per case,
    so that a lost race (another host's tick, a dispatcher's action) skips just that case.
    """
    now = as_utc(now or utcnow())
    summary = {
        "checked": 0,
        "warned": 0,
        "escalated": 0,
        "supervised": 0,
        "publicly_supervised": 0,
        "skipped": 0,
        "taken_over": 0,
    }
    _take_over(now, summary)
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
    # Housekeeping that belongs to the same periodic run: old Idempotency-Key answers, login
    # failures nobody repeated for a day, ended rate-limit windows.
    summary["idempotency_purged"] = purge_idempotency_records(now)
    summary["login_failures_purged"] = lockout.purge(now)
    summary["rate_counters_purged"] = limit_store.purge(db.session, now.timestamp())
    summary["schedule_missing_year"] = _warn_missing_schedule(now)
    db.session.commit()
    for _receiver, figures in tick_ran.send(None, now=now):
        summary.update(figures or {})
    return summary


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
