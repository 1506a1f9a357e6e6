"""红黑榜 and 流动黄旗: the week's best and worst ranked units, and who holds the yellow flag.

The flag: each week the worst ranked unit takes it; a week without any ranked unit leaves it
where it is, and a unit tied for worst with the holder does not take it from him (only a worse
rank moves the flag). The history is replayed week by week, the same whoever asks: from the
latest published weekly bulletin before the week asked (its frozen flag and history are the
official record), else from the first week with a dispatched case but at most
FLAG_LOOKBACK_WEEKS back (publishing weekly keeps the replay to a week or two). Each earlier
week's table is its snapshot, taken by `tick` when the week closed (snapshots.py), or computed
when there is none; the week asked is decided by its own table, the one its bulletin shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import true

from ..access.actor import Actor
from ..timeutil import as_utc, utcnow
from .indicators import minimum_due, unit_items, weights, window
from .periods import Period, next_week
from .periods import week as periods_week
from .published import frozen_units, last_published_week
from .snapshots import first_replayed_week, tables_of


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
    start = first_replayed_week(period)
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
    # The weeks before `period` are after the last published one: none is frozen; their tables
    # are their snapshots, and those without one come from one grouped query per figure.
    tables = tables_of(weeks[:-1], now)
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
