"""Patrol reads: which plans a caller may see, and each slot's state (done, due, missed).

Slots are computed from the plans' rules (schedule.py), never stored; a slot is done when a
check-in was recorded for it. So the day list, the missed list, the grids' indicators and the
`tick` job agree by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import false, or_, select, true
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql.elements import ColumnElement

from ..access.actor import Actor
from ..access.roles import ADMIN, GRID_WORKER, SUPERVISOR, VOLUNTEER
from ..extensions import db
from ..grid.models import Zone
from ..timeutil import as_utc
from .models import PatrolCheckIn, PatrolPlan
from .schedule import Slot, slots


def grids_under(zone_ids: Iterable[int]) -> Any:  # noqa: ANN401 - a Select of grid ids
    """Grid ids whose chain (grid, community, subdistrict, district) meets the zones."""
    ids = list(zone_ids)
    grid, community, subdistrict = aliased(Zone), aliased(Zone), aliased(Zone)
    return (
        select(grid.id)
        .join(community, grid.parent_id == community.id)
        .join(subdistrict, community.parent_id == subdistrict.id)
        .where(
            grid.level == "grid",
            or_(
                grid.id.in_(ids),
                community.id.in_(ids),
                subdistrict.id.in_(ids),
                subdistrict.parent_id.in_(ids),
            ),
        )
    )


def visible_plans(actor: Actor) -> ColumnElement[bool]:
    """Admins and supervisors: plans in their zones (all, when not zone-bound). Grid workers and
    volunteers: the plans assigned to them."""
    if actor.role in (ADMIN, SUPERVISOR):
        return PatrolPlan.grid_id.in_(grids_under(actor.zone_ids)) if actor.zone_ids else true()
    if actor.role in (GRID_WORKER, VOLUNTEER):
        return PatrolPlan.assignee_id == actor.account_id
    return false()


@dataclass(frozen=True)
class SlotState:
    plan: PatrolPlan
    slot: Slot
    check_ins: tuple[PatrolCheckIn, ...]

    def status(self, now: datetime) -> str:
        """done | missed (ended without a check-in) | due (running) | upcoming."""
        if self.check_ins:
            return "done"
        now = as_utc(now)
        if self.slot.ends_at <= now:
            return "missed"
        return "due" if self.slot.starts_at <= now else "upcoming"


def plans_active(where: ColumnElement[bool], first: date, last: date) -> list[PatrolPlan]:
    """Plans whose period meets [first, last], with what their rows show loaded."""
    return list(
        db.session.scalars(
            select(PatrolPlan)
            .where(where, PatrolPlan.start_date <= last)
            .where(or_(PatrolPlan.end_date.is_(None), PatrolPlan.end_date >= first))
            .options(
                selectinload(PatrolPlan.point),
                selectinload(PatrolPlan.zone),
                selectinload(PatrolPlan.assignee),
            )
            .order_by(PatrolPlan.id)
        )
    )


def slot_states(
    plans: list[PatrolPlan], first: date, last: date, is_workday: Callable[[date], bool]
) -> list[SlotState]:
    """Every slot of the plans sharing a day with [first, last], with its check-ins."""
    wanted = [(plan, slot) for plan in plans for slot in slots(plan, first, last, is_workday)]
    if not wanted:
        return []
    keys = {slot.first for _plan, slot in wanted}
    found: dict[tuple[int, date], list[PatrolCheckIn]] = {}
    rows = db.session.scalars(
        select(PatrolCheckIn)
        .where(
            PatrolCheckIn.plan_id.in_({plan.id for plan, _slot in wanted}),
            PatrolCheckIn.slot_date.between(min(keys), max(keys)),
        )
        .options(selectinload(PatrolCheckIn.photos))
        .order_by(PatrolCheckIn.id)
    )
    for row in rows:
        found.setdefault((row.plan_id, row.slot_date), []).append(row)
    return [
        SlotState(plan, slot, tuple(found.get((plan.id, slot.first), ()))) for plan, slot in wanted
    ]


def grid_figures(
    where: ColumnElement[bool],
    first: date,
    last: date,
    now: datetime,
    is_workday: Callable[[date], bool],
) -> dict[int, dict[str, int]]:
    """Per grid: slots that ended in [first, last] by `now` (`patrols_due`), of which done and
    missed. A slot still running is not due yet; a weekly slot counts in the period of its end."""
    figures: dict[int, dict[str, int]] = {}
    for state in slot_states(plans_active(where, first, last), first, last, is_workday):
        if not first <= state.slot.last <= last:
            continue
        status = state.status(now)
        if status not in ("done", "missed") or (
            status == "done" and state.slot.ends_at > as_utc(now)
        ):
            continue
        row = figures.setdefault(
            state.plan.grid_id, {"patrols_due": 0, "patrols_done": 0, "patrols_missed": 0}
        )
        row["patrols_due"] += 1
        row["patrols_done" if status == "done" else "patrols_missed"] += 1
    return figures


def check_ins_at(
    plan_point_id: int, bbox: tuple[float, float, float, float]
) -> list[PatrolCheckIn]:
    """Check-ins of plans for the point, or whose place lies in its bounding box (min_lon, min_lat,
    max_lon, max_lat); the caller keeps those inside its polygon. Photos loaded."""
    min_lon, min_lat, max_lon, max_lat = bbox
    at_point = select(PatrolPlan.id).where(PatrolPlan.point_id == plan_point_id)
    return list(
        db.session.scalars(
            select(PatrolCheckIn)
            .where(
                or_(
                    PatrolCheckIn.plan_id.in_(at_point),
                    PatrolCheckIn.lat.between(min_lat, max_lat)
                    & PatrolCheckIn.lon.between(min_lon, max_lon),
                )
            )
            .options(selectinload(PatrolCheckIn.photos), selectinload(PatrolCheckIn.plan))
            .order_by(PatrolCheckIn.id)
        )
    )
