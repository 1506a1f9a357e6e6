"""Indicators per unit, grid, category and reporter for a period: the queries plus the formulas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, true
from sqlalchemy.sql.elements import ColumnElement

from ..access.actor import Actor
from ..access.models import Account
from ..access.privacy import mask_name
from ..access.roles import ROLE_NAMES_ZH, UNIT_STAFF
from ..categories.models import FAMILIES, Category
from ..errors import ApiError
from ..extensions import db
from ..grid.models import Zone
from ..org.models import Unit
from ..timeutil import as_utc, utcnow
from ..workflow.models import Case
from ..workflow.queries import in_zones, visible_cases
from . import queries
from .formulas import Weights, order, rank, rate, score
from .patrol_figures import with_patrol_figures
from .periods import Period
from .takeovers import add_takeover_figures

COUNTS = (
    "dispatched",
    "due",
    "closed",
    "closed_on_time",
    "rectified",
    "returned",
    "reworked",
    "extended",
    "overdue_open",
    "escalated",
    "recurrences",
)


def weights() -> Weights:
    return Weights.parse(current_app.config["SUPERVISION_WEIGHTS"])


def minimum_due() -> int:
    return int(current_app.config["SUPERVISION_MIN_DUE"])


def window(period: Period, now: datetime | None = None) -> queries.Window:
    now = as_utc(now or utcnow())
    return queries.Window(period.start, period.end, min(period.end, now))


def scope(actor: Actor, zone_code: str | None) -> ColumnElement[bool]:
    """The cases counted: those the caller may see (zone-bound staff: their zones), in the zone
    asked for. Unit staff are judged on the same numbers as everyone, filtered to their unit
    afterwards, so a case they returned still counts as returned by them."""
    where = true() if actor.role == UNIT_STAFF else visible_cases(actor)
    if zone_code:
        zone = db.session.scalar(select(Zone).where(Zone.code == zone_code))
        if zone is None:
            raise ApiError(404, "not_found", f"区域不存在 / unknown zone {zone_code}")
        where = where & in_zones([(zone.level, [zone.id])])
    return where


def rates_of(counts: dict[str, int]) -> dict[str, float | None]:
    return {
        "closing_rate": rate(counts["closed"], counts["due"]),
        "on_time_rate": rate(counts["closed_on_time"], counts["due"]),
        "rework_rate": rate(counts["reworked"], counts["rectified"]),
        "extension_rate": rate(counts["extended"], counts["dispatched"]),
        "return_rate": rate(counts["returned"], counts["dispatched"]),
    }


def _rounded(rates: dict[str, float | None]) -> dict[str, float | None]:
    return {k: (round(v, 4) if v is not None else None) for k, v in rates.items()}


# Figures only units have (a category or a grid has no callbacks or lost marks of its own).
UNIT_ONLY = ("satisfied", "satisfaction_answers", "lost_marks")


def unit_rates(counts: dict[str, Any]) -> dict[str, float | None]:
    return {
        **rates_of(counts),
        "satisfaction_rate": rate(counts["satisfied"], counts["satisfaction_answers"]),
    }


def _units() -> list[Unit]:
    return list(
        db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)).all()
    )


def unit_tables(
    ws: list[queries.Window], where: ColumnElement[bool], wts: Weights
) -> list[list[dict]]:
    """The unit table of each window in `ws` (consecutive), each figure one grouped query for
    all windows together: the yellow flag's replay of eight weeks costs one scan per figure."""
    queries.analytic()
    units = _units()
    by_id = {u.id: u for u in units}
    by_code = {u.code: u for u in units}
    counts = [{u.id: dict.fromkeys(COUNTS + UNIT_ONLY, 0) for u in units} for _w in ws]
    for (index, key), figures in queries.unit_figures(ws, where).items():
        kind, value = key if isinstance(key, tuple) else ("id", key)
        unit = by_code.get(value) if kind == "code" else by_id.get(value)
        if unit is not None:
            row = counts[index][unit.id]
            for name, n in figures.items():
                row[name] = row.get(name, 0) + n
    tables = []
    for window, table in zip(ws, counts, strict=True):
        items = []
        for unit in units:
            c = table[unit.id]
            c["lost_marks"] = round(c["lost_marks"], 2)
            rates = unit_rates(c)
            items.append(
                {
                    "unit_code": unit.code,
                    "unit_name": unit.name,
                    **c,
                    **_rounded(rates),
                    "score": score(rates, c, wts),
                }
            )
        add_takeover_figures(items, window, where)
        rank(items, minimum_due())
        tables.append(order(items, "unit_code"))
    return tables


def unit_items(w: queries.Window, where: ColumnElement[bool], wts: Weights) -> list[dict]:
    """One item per active unit (none left out: a unit without cases is listed, unranked)."""
    return unit_tables([w], where, wts)[0]


def unit_stats(
    period: Period, actor: Actor, zone_code: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    wts = weights()
    items = unit_items(window(period, now), scope(actor, zone_code), wts)
    if actor.role == UNIT_STAFF:
        own = db.session.get(Unit, actor.unit_id)
        items = [i for i in items if own is not None and i["unit_code"] == own.code]
    return {
        "period": period.json(),
        "weights": wts.json(),
        "minimum_due": minimum_due(),
        "zone_code": zone_code,
        "items": items,
    }


def grid_stats(
    period: Period, actor: Actor, zone_code: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    w, where = window(period, now), scope(actor, zone_code)
    queries.analytic()
    figures = queries.grid_figures(w, where)
    hours = current_app.config
    on_time = queries.grid_on_time(
        w,
        where,
        3600 * float(hours["SUPERVISION_VERIFY_HOURS"]),
        3600 * float(hours["SUPERVISION_CHECK_HOURS"]),
    )
    zones = {
        z.id: z for z in db.session.scalars(select(Zone).where(Zone.id.in_(list(figures)))).all()
    }
    items = []
    for grid_id, f in figures.items():
        zone = zones[grid_id]
        reported = f.get("reported", 0)
        found = f.get("found_by_worker", 0)
        timely = on_time.get(grid_id, {})
        verified, checked = f.get("verified", 0), f.get("checked", 0)
        items.append(
            {
                "grid_code": zone.code,
                "grid_name": zone.name,
                "unit_code": zone.unit.code if zone.unit else None,
                "reported": reported,
                "found_by_worker": found,
                "missed": reported - found,
                "miss_rate": _round(rate(reported - found, reported)),
                "verified": verified,
                "verified_on_time": timely.get("verified_on_time", 0),
                "verify_on_time_rate": _round(rate(timely.get("verified_on_time", 0), verified)),
                "checked": checked,
                "checked_on_time": timely.get("checked_on_time", 0),
                "check_on_time_rate": _round(rate(timely.get("checked_on_time", 0), checked)),
                "check_failed": f.get("check_failed", 0),
            }
        )
    items = with_patrol_figures(items, period, actor, zone_code, now)
    items.sort(key=lambda i: (-i["missed"], -i["reported"], i["grid_code"]))
    return {"period": period.json(), "zone_code": zone_code, "items": items}


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def category_stats(
    period: Period, actor: Actor, zone_code: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    w, where = window(period, now), scope(actor, zone_code)
    queries.analytic()
    categories = db.session.scalars(select(Category).order_by(Category.code)).all()
    counts = {c.id: dict.fromkeys(COUNTS + ("reported",), 0) for c in categories}
    for key, figures in queries.only(queries.case_figures(Case.category_id, [w], where)).items():
        counts.setdefault(key, dict.fromkeys(COUNTS + ("reported",), 0)).update(figures)
    for figures in (
        queries.event_figures(Case.category_id, [w], where, by_unit=False),
        queries.recurrences("category_id", [w], where),
    ):
        for key, found in queries.only(figures).items():
            if key in counts:
                for name, n in found.items():
                    counts[key][name] += n
    for key, n in queries.reported(Case.category_id, w, where).items():
        if key in counts:
            counts[key]["reported"] = n
    items = []
    for category in categories:
        c = counts[category.id]
        if not any(c.values()):
            continue
        items.append(
            {
                "category_code": category.code,
                "category_name": category.name,
                "family": category.family,
                "family_name": FAMILIES[category.family],
                **c,
                **_rounded(rates_of(c)),
            }
        )
    items.sort(key=lambda i: (-i["reported"], i["category_code"]))
    return {"period": period.json(), "zone_code": zone_code, "items": items}


def reporter_stats(
    period: Period, actor: Actor, zone_code: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    rows = queries.reporter_figures(window(period, now), scope(actor, zone_code))
    accounts = {
        a.id: a
        for a in db.session.scalars(
            select(Account).where(Account.id.in_([r.reporter_id for r in rows]))
        ).all()
    }
    items = []
    for row in rows:
        account = accounts[row.reporter_id]
        items.append(
            {
                "reporter": mask_name(account.display_name or account.username),
                "role": account.role,
                "role_name": ROLE_NAMES_ZH.get(account.role, account.role),
                "sent": row.sent,
                "valid": int(row.valid),
                "valid_rate": _round(rate(int(row.valid), row.sent)),
            }
        )
    items.sort(key=lambda i: (-i["valid"], -i["sent"], i["reporter"]))
    return {"period": period.json(), "zone_code": zone_code, "items": items}
