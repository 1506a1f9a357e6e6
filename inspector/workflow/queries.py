"""Case reads as SQL: the filters and list queries that views and jobs run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.sql.elements import ColumnElement

from ..timeutil import as_utc, utcnow
from .models import Case
from .states import CLOCK_RUNNING


def overdue_clause(now: datetime | None = None) -> ColumnElement[bool]:
    """`Case.is_overdue` as a SQL filter (GET /cases?overdue=true, statistics)."""
    now = as_utc(now or utcnow())
    return Case.status.in_(CLOCK_RUNNING) & Case.due_at.is_not(None) & (Case.due_at < now)
