"""The week snapshots' part of `tick` (see snapshots.py): the job owns its transactions.

Each week goes in its own transaction; when another host inserted the same week first, the
unique week refuses ours, we roll back and keep theirs. A snapshot is never updated.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from ..sla.jobs import tick_ran
from ..timeutil import as_utc
from .models import WeekSnapshot
from .snapshots import compute, missing_weeks

log = logging.getLogger(__name__)


def take_snapshots(now: datetime) -> int:
    """Store the table of every closed week (within the lookback) that has none yet; answers
    how many this run stored. Commits per week."""
    now = as_utc(now)
    missing = missing_weeks(now)
    if not missing:
        return 0
    tables = compute(missing, now)
    db.session.commit()  # ends the read (and its SET LOCALs) before the writes
    taken = 0
    for week, units in zip(missing, tables, strict=True):
        try:
            db.session.add(WeekSnapshot(week=week.label, units=units, taken_at=now))
            db.session.commit()
        except (IntegrityError, OperationalError) as exc:
            db.session.rollback()
            log.info("tick: week %s already has a snapshot (%s)", week.label, type(exc).__name__)
            continue
        taken += 1
    return taken


@tick_ran.connect
def _on_tick(_sender: object, now: datetime) -> dict[str, int]:
    return {"week_snapshots_taken": take_snapshots(now)}
