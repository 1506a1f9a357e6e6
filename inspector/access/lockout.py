"""Login lockout: at most LOCKOUT_FAILURES password checks per login name, then LOCKOUT_MINUTES
of 429 `account_locked`, however many requests arrive at once and on however many workers.

`claim_attempt` counts the attempt with one UPDATE ... RETURNING *before* the password is checked
(the view commits the claim at once), so thirty parallel guesses get five password checks, not
twenty. A successful login clears the count. Names without an account are counted exactly like
real ones: a lockout says nothing about whether a name exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, literal, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..dbtypes import UTCDateTime
from ..errors import ApiError
from ..extensions import db
from .models import LoginFailure

LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 15
FORGET_AFTER = timedelta(days=1)


def login_key(username: str) -> str:
    """One counter per name however it is capitalised (the limiter keys names the same way)."""
    return username.strip().lower()[:80]


def insert_ignoring_duplicates(table):  # noqa: ANN001, ANN201 - a dialect's Insert construct
    """INSERT ... ON CONFLICT DO NOTHING on PostgreSQL and SQLite alike."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing()


def claim_attempt(username: str, now: datetime) -> None:
    """Count one password check for `username`; 429 `account_locked` when none is left.

    The 5th claim in a row sets the lock (its own check still runs and may clear it on success);
    every later claim until the lock ends is refused without checking anything.
    """
    key = login_key(username)
    table = LoginFailure.__table__
    c = table.c
    db.session.execute(
        insert_ignoring_duplicates(table).values(
            username=key, failures=0, locked_until=None, updated_at=now
        )
    )
    expired = and_(c.locked_until.is_not(None), c.locked_until <= now)
    locked = and_(c.locked_until.is_not(None), c.locked_until > now)
    count = case((expired, 1), else_=c.failures + 1)
    lock_end = literal(now + timedelta(minutes=LOCKOUT_MINUTES), UTCDateTime())
    failures, locked_until = db.session.execute(
        update(table)
        .where(c.username == key)
        .values(
            failures=count,
            locked_until=case(
                (locked, c.locked_until), (count >= LOCKOUT_FAILURES, lock_end), else_=None
            ),
            updated_at=now,
        )
        .returning(c.failures, c.locked_until)
    ).one()
    if failures > LOCKOUT_FAILURES and locked_until is not None:
        seconds = int((locked_until - now).total_seconds()) + 1
        raise ApiError(
            429,
            "account_locked",
            "登录失败次数过多,账号暂时锁定 / Too many failed logins, account locked",
            headers={"Retry-After": str(max(seconds, 1))},
        )


def clear(username: str) -> None:
    """A successful login (or an admin enabling the account) forgets the failures."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == login_key(username)))


def purge(now: datetime) -> int:
    """Forget names that have not failed for a day and are not locked (the periodic job)."""
    result = db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.updated_at < now - FORGET_AFTER,
            or_(LoginFailure.locked_until.is_(None), LoginFailure.locked_until < now),
        )
    )
    return result.rowcount
