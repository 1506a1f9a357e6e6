"""The abuse limits' counters in our own database, when no Redis is configured.

Flask-Limiter's memory storage counts per process: with four gunicorn workers every limit was
four times what the README promised. This `limits` storage keeps fixed-window counters in the
`rate_counter` table instead, so every worker and every host on the same database shares them.
Each hit is one INSERT ... ON CONFLICT DO UPDATE ... RETURNING (atomic on PostgreSQL and SQLite)
on its own short transaction, apart from the request's unit of work.

Only the fixed-window strategy is supported (one row per key and window); Redis keeps the
moving window. Expired rows are reused by the next hit and swept by `flask tick` (`purge`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .models import RateCounter

SCHEME = "inspector-db"
_table = RateCounter.__table__


class DatabaseStorage(Storage):
    """`limits` storage over the app's database engine (`engine` option: a callable giving it)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        engine: Callable[[], Engine] | None = None,
        **options: float | str | bool,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if engine is None:
            raise ValueError("DatabaseStorage needs engine=<callable returning the engine>")
        self._engine = engine

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        engine = self._engine()
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        stmt = insert(_table).values(key=key, count=amount, expires_at=now + expiry)
        current = _table.c
        stmt = stmt.on_conflict_do_update(
            index_elements=[current.key],
            set_={
                # An expired window starts again at this hit; a live one counts on.
                "count": case(
                    (current.expires_at <= now, stmt.excluded.count),
                    else_=current.count + stmt.excluded.count,
                ),
                "expires_at": case(
                    (current.expires_at <= now, stmt.excluded.expires_at),
                    else_=current.expires_at,
                ),
            },
        ).returning(current.count)
        with engine.begin() as conn:
            return int(conn.execute(stmt).scalar_one())

    def _row(self, key: str) -> tuple[int, float] | None:
        with self._engine().connect() as conn:
            row = conn.execute(
                select(_table.c.count, _table.c.expires_at).where(_table.c.key == key)
            ).first()
        if row is None or row.expires_at <= time.time():
            return None
        return int(row.count), float(row.expires_at)

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        try:
            with self._engine().connect() as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self._engine().begin() as conn:
            return conn.execute(delete(_table)).rowcount

    def clear(self, key: str) -> None:
        with self._engine().begin() as conn:
            conn.execute(delete(_table).where(_table.c.key == key))


def purge(connection_or_session, now: float | None = None) -> int:  # noqa: ANN001
    """Delete windows that have ended (the periodic job; the caller commits)."""
    cutoff = time.time() if now is None else now
    return connection_or_session.execute(
        delete(_table).where(_table.c.expires_at < cutoff)
    ).rowcount
