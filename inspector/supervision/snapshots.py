"""Weekly unit-table snapshots: each closed week's city-wide unit table, stored once by `tick`.

Why: the yellow flag (rankings.py) is decided week by week from each week's unit ranking. Without
a published bulletin to continue from, the first bulletin replayed up to seven earlier weeks'
tables from the whole case history (3.2 s of 5.4 s at a million cases). A week's table is
stored by the first `tick` after the week ends and read back by the replay instead; the flag is
then decided by the numbers as they stood when each week closed (a late event that changes an
old week afterwards no longer moves an old flag), which is what the campaign announced at the
time. A week without a snapshot (tick never ran, or the week is older than the snapshots) is
computed as before.

Idempotent and safe on several hosts: the week is unique; tick computes only weeks without a
row, inserts each in its own transaction and, when another host inserted it first, rolls back
and keeps the other's. A snapshot is never updated.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, true

from ..extensions import db
from ..timeutil import CHINA, as_utc
from ..workflow.models import CaseEventFact
from .indicators import unit_tables, weights, window
from .models import WeekSnapshot
from .periods import Period, next_week, previous_week, week_of

# How many weeks the flag's replay reaches back without a published bulletin (and so how many
# closed weeks tick keeps a snapshot of).
FLAG_LOOKBACK_WEEKS = 8


def first_replayed_week(period: Period) -> Period:
    """The earliest week the flag's replay for `period` starts from: the week of the first
    dispatch, but at most FLAG_LOOKBACK_WEEKS back. (The first dispatch event, read off the
    facts' (action, at) index: MIN(case.dispatched_at) has no index and scanned every case.)"""
    first = db.session.scalar(
        select(func.min(CaseEventFact.at)).where(CaseEventFact.action == "dispatch")
    )
    oldest = period
    for _ in range(FLAG_LOOKBACK_WEEKS):
        oldest = previous_week(oldest)
    if first is None:
        return period
    start = week_of(as_utc(first).astimezone(CHINA).date())
    return max(start, oldest, key=lambda p: p.first)


def stored(labels: list[str]) -> dict[str, list[dict]]:
    """{week label: unit table} of the snapshots there are among `labels`."""
    if not labels:
        return {}
    rows = db.session.execute(
        select(WeekSnapshot.week, WeekSnapshot.units).where(WeekSnapshot.week.in_(labels))
    )
    return {week: units for week, units in rows}


def tables_of(weeks: list[Period], now: datetime) -> list[list[dict]]:
    """The city's unit table of each week: its snapshot, else computed (the weeks without one
    in one grouped query per figure)."""
    found = stored([w.label for w in weeks])
    missing = [w for w in weeks if w.label not in found]
    if missing:
        computed = compute(missing, now)
        found.update(zip((w.label for w in missing), computed, strict=True))
    return [found[w.label] for w in weeks]


def closed_weeks(now: datetime) -> list[Period]:
    """The weeks ended by `now` that a replay may read: those of last week's bulletin (the one
    read and published this week, reaching FLAG_LOOKBACK_WEEKS back from last week) and of
    this week's (reaching back to last week itself)."""
    current = week_of(as_utc(now).astimezone(CHINA).date())
    weeks = []
    week = first_replayed_week(previous_week(current))
    while week.first < current.first:
        weeks.append(week)
        week = next_week(week)
    return weeks


def missing_weeks(now: datetime) -> list[Period]:
    """Closed weeks within the lookback that have no snapshot yet (supervision/jobs.py stores
    them)."""
    now = as_utc(now)
    weeks = [w for w in closed_weeks(now) if w.end <= now]
    known = stored([w.label for w in weeks])
    return [w for w in weeks if w.label not in known]


def compute(weeks: list[Period], now: datetime) -> list[list[dict]]:
    """The city-wide unit table of each week, as a snapshot stores it."""
    return unit_tables([window(w, now) for w in weeks], true(), weights())
