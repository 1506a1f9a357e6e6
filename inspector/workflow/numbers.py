"""Human case numbers: the China-time date and a per-day sequence, e.g. 2026112700042.

Numbers are unique and increase within a day; they are not gap-free. On PostgreSQL the day's
counter is advanced apart from the intake's transaction (`http.apart`): held until the intake
committed, its row lock queued every intake on every host behind the one before (bench/load.py:
8.6 sessions waiting on it on average at 12 reports/s). So an intake that fails after drawing its
number (a lost client_id race, a crash) leaves that number unused. SQLite admits one writer at a
time anyway, and the request's own write transaction would block a second connection: there
the counter stays in the request's transaction (gap-free).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Insert, bindparam
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..http import apart
from ..logs import note_case
from ..timeutil import CHINA
from .models import CaseCounter


def next_case_number(now: datetime) -> str:
    """One atomic upsert: concurrent intakes on several hosts never share a number."""
    day = now.astimezone(CHINA).strftime("%Y%m%d")
    if db.engine.dialect.name == "postgresql":
        seq = apart(lambda connection: _advance(connection, day), wait_for_disk=False)
    else:
        seq = _advance(db.session.connection(), day)
    number = f"{day}{seq:05d}"
    note_case(number)  # the request's log lines name the case it opened
    return number


def _upsert(dialect) -> Insert:  # noqa: ANN001 - postgresql or sqlite
    return (
        dialect.insert(CaseCounter)
        .values(day=bindparam("day"), last=1)
        .on_conflict_do_update(index_elements=["day"], set_={"last": CaseCounter.last + 1})
        .returning(CaseCounter.last)
    )


_UPSERT = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}  # built once: every intake


def _advance(connection: Connection, day: str) -> int:
    stmt = _UPSERT["postgresql" if connection.dialect.name == "postgresql" else "sqlite"]
    return connection.execute(stmt, {"day": day}).scalar_one()
