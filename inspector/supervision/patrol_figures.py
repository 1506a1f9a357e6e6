"""Patrols in the grids' indicators: per grid, the patrol slots that fell due in the period, how
many were checked in and how many were missed (patrols/queries.grid_figures decides each slot).

Kept apart from indicators.py so that the case figures and the patrol figures change separately.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.sql.elements import ColumnElement

from ..access.actor import Actor
from ..extensions import db
from ..grid.models import Zone
from ..patrols.models import PatrolPlan
from ..patrols.queries import grid_figures, grids_under
from ..patrols.service import is_workday
from ..timeutil import as_utc, utcnow
from .formulas import rate
from .periods import Period

ZERO = {"patrols_due": 0, "patrols_done": 0, "patrols_missed": 0}


def _plans_in(actor: Actor, zone_code: str | None) -> ColumnElement[bool]:
    """Plans counted: in the caller's zones (zone-bound staff), in the zone asked for."""
    where = PatrolPlan.grid_id.in_(grids_under(actor.zone_ids)) if actor.zone_ids else true()
    if zone_code:
        zone_id = db.session.scalar(select(Zone.id).where(Zone.code == zone_code))
        where = where & PatrolPlan.grid_id.in_(grids_under({zone_id} if zone_id else set()))
    return where


def with_patrol_figures(
    items: list[dict[str, Any]],
    period: Period,
    actor: Actor,
    zone_code: str | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """The grid items with `patrols_due`, `patrols_done`, `patrols_missed` and `patrol_rate`
    (done / due, null without due patrols); a grid with patrols but no case gets its own item."""
    now = as_utc(now or utcnow())
    figures = grid_figures(_plans_in(actor, zone_code), period.first, period.last, now, is_workday)
    by_code = {item["grid_code"]: item for item in items}
    zones = {
        z.id: z for z in db.session.scalars(select(Zone).where(Zone.id.in_(list(figures)))).all()
    }
    for grid_id, counts in figures.items():
        zone = zones[grid_id]
        if zone.code not in by_code:
            by_code[zone.code] = {
                "grid_code": zone.code,
                "grid_name": zone.name,
                "unit_code": zone.unit.code if zone.unit else None,
                **dict.fromkeys(
                    (
                        "reported",
                        "found_by_worker",
                        "missed",
                        "verified",
                        "checked",
                        "check_failed",
                    ),
                    0,
                ),
                "miss_rate": None,
            }
            items.append(by_code[zone.code])
        by_code[zone.code].update(counts)
    for item in items:
        for key, value in ZERO.items():
            item.setdefault(key, value)
        item["patrol_rate"] = _round(rate(item["patrols_done"], item["patrols_due"]))
    return items


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None
