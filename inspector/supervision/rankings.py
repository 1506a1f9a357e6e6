"""红黑榜 and 流动黄旗: the week's best and worst ranked units, and who holds the yellow flag.

The flag: each week the worst ranked unit takes it; a week without any ranked unit leaves it
where it is, and a unit tied for worst with the holder does not take it from him (only a worse
rank moves the flag). The history is replayed week by week, the same whoever asks: from the
latest published weekly bulletin before the week asked (its frozen flag and history are the
official record), else from the first week with a dispatched case but at most
FLAG_LOOKBACK_WEEKS back (publishing weekly keeps the replay to a week or two).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select, true

from ..access.actor import Actor
from ..extensions import db
from ..timeutil import CHINA, as_utc, utcnow
from ..workflow.models import Case
from .indicators import minimum_due, unit_items, unit_tables, weights, window
from .periods import Period, next_week, previous_week, week_of
from .periods import week as periods_week
from .published import frozen_units, last_published_week

FLAG_LOOKBACK_WEEKS = 8


def list_size() -> int:
    return int(current_app.config["SUPERVISION_LIST_SIZE"])


def red_black(items: list[dict], size: int) -> tuple[list[dict], list[dict]]:
    """Top `size` ranked units (best first) and bottom `size` (worst first), never the same one."""
    ranked = [i for i in items if i["rank"] is not None]
    red = ranked[:size]
    black = [i for i in reversed(ranked) if i not in red][:size]
    return red, black


def worst(items: list[dict], holder: str | None) -> str | None:
    """The unit taking the flag this week: the worst rank; the holder keeps it on a tie."""
    ranked = [i for i in items if i["rank"] is not None]
    if not ranked:
        return holder
    bottom = max(i["rank"] for i in ranked)
    tied = [i["unit_code"] for i in ranked if i["rank"] == bottom]
    return holder if holder in tied else sorted(tied)[0]


def _first_week(period: Period) -> Period:
    first = db.session.scalar(select(func.min(Case.dispatched_at)))
    oldest = period
    for _ in range(FLAG_LOOKBACK_WEEKS):
        oldest = previous_week(oldest)
    if first is None:
        return period
    start = week_of(as_utc(first).astimezone(CHINA).date())
    return max(start, oldest, key=lambda p: p.first)


def weekly_items(period: Period, now: datetime) -> list[dict]:
    """The city-wide unit table of one week (the flag is a city-wide fact, whoever asks);
    a published weekly bulletin fixes its week's table for good."""
    frozen = frozen_units(period.label)
    if frozen is not None:
        return frozen
    return unit_items(window(period, now), true(), weights())


def flag_transfers(
    weeks: Iterable[tuple[str, list[dict]]], history: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Pure: from (week label, unit table) in week order, each time the flag changed hands,
    continuing an earlier `history` (whose last entry holds the flag)."""
    history = list(history or [])
    holder: str | None = history[-1]["unit_code"] if history else None
    for label, items in weeks:
        taker = worst(items, holder)
        if taker is not None and taker != holder:
            name = next(i["unit_name"] for i in items if i["unit_code"] == taker)
            history.append({"week": label, "unit_code": taker, "unit_name": name})
            holder = taker
    return history


def flag_history(
    period: Period, now: datetime, table: list[dict] | None = None
) -> list[dict[str, Any]]:
    """[{"week", "unit_code", "unit_name"}] each time the flag changed hands, up to `period`."""

    anchor = last_published_week(period.label)
    start = _first_week(period)
    history: list[dict[str, Any]] = []
    if anchor is not None:
        label, history = anchor
        start = next_week(periods_week(label))

    weeks: list[Period] = []
    current = start
    while current.first <= period.first:
        weeks.append(current)
        current = next_week(current)
    if not weeks:
        return flag_transfers([], history)
    last = table if table is not None else weekly_items(period, now)
    # The weeks before `period` are after the last published one: none is frozen, so all their
    # tables come from one grouped query per figure (unit_tables), not one pass per week.
    earlier = weeks[:-1]
    tables = unit_tables([window(w, now) for w in earlier], true(), weights()) if earlier else []
    labels = [w.label for w in weeks]
    return flag_transfers(zip(labels, [*tables, last], strict=True), history)


def rankings(period: Period, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    now = as_utc(now or utcnow())
    items = weekly_items(period, now)
    red, black = red_black(items, list_size())
    history = flag_history(period, now, items)
    flag = None
    if history:
        last = history[-1]
        flag = {
            "unit_code": last["unit_code"],
            "unit_name": last["unit_name"],
            "since_week": last["week"],
        }
    return {
        "period": period.json(),
        "week": period.label,
        "minimum_due": minimum_due(),
        "red": red,
        "black": black,
        "yellow_flag": flag,
        "yellow_flag_history": history,
    }
