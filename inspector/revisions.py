"""Revision counters: how one process tells every other process (and host) that a cache is stale.

A writer moves a named counter of the `revision` table in its own transaction; each process keeps
the value its cache was built from and compares it now and then (one primary-key read). The
writing process itself is told right after its commit, so its own change counts at once. Used by
the grid index (`zones`) and the loaded holiday schedules (`calendar`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import String, bindparam, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .extensions import db

_PENDING = "inspector.revision_callbacks"


class Revision(db.Model):
    """Monotonic counters (e.g. 'zones') that tell every app process when to rebuild its caches."""

    __tablename__ = "revision"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


_VALUE = select(Revision.value).where(Revision.name == bindparam("name"))  # built once: hot


def read_revision(conn: Any, name: str) -> int:
    """The counter's value (0 before its first move); `conn` is a Session or a Connection."""
    value = conn.execute(_VALUE, {"name": name}).scalar_one_or_none()
    return int(value or 0)


def bump_revision(name: str, after_commit: Callable[[], None]) -> None:
    """Move the counter in the caller's transaction; run `after_commit` once that commits."""
    row = db.session.get(Revision, name, with_for_update=True)
    if row is None:
        db.session.add(Revision(name=name, value=1))
    else:
        row.value += 1
    db.session.info.setdefault(_PENDING, []).append(after_commit)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for callback in session.info.pop(_PENDING, []):
        callback()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
