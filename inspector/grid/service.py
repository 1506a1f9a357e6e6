"""Zones: import/export and the point -> grid -> community -> subdistrict -> district lookup.

Other areas call `locate(lat, lon, snap_m)` (WGS-84 in) and get a Location; `address_for()` turns
one into a human-readable address.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from ..errors import ApiError, invalid
from ..extensions import db
from ..org.models import Unit
from .cache import ZONES_REVISION, bump_zones_revision, grid_cache
from .importer import ImportReport, import_collection
from .models import LEVELS, Zone

__all__ = [
    "ZONES_REVISION",
    "ImportReport",
    "Location",
    "export_zones",
    "in_bbox",
    "import_zones",
    "import_zones_report",
    "locate",
    "zone_by_code",
    "zone_geometry",
    "zone_json",
]


def zone_by_code(code: str, field: str = "zone_code") -> Zone:
    """The zone with this code, or 422 naming the field that carried it."""
    zone = db.session.scalar(select(Zone).where(Zone.code == code))
    if zone is None:
        raise invalid(f"区域 {code} 不存在 / Unknown zone {code}", field=field)
    return zone


# ---------------------------------------------------------------- import / export


def import_zones_report(collection: Any) -> ImportReport:
    """Validate and upsert a FeatureCollection (see importer); every process sees it after commit."""
    report = import_collection(collection)
    bump_zones_revision()
    db.session.flush()
    return report


def import_zones(collection: Any) -> int:
    """import_zones_report, answering only how many features were imported."""
    return import_zones_report(collection).imported


BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat (WGS-84)


def in_bbox(bbox: BBox) -> ColumnElement[bool]:
    """Zones whose bounding box meets `bbox` (the indexed bbox columns; edges touching count)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    return (
        (Zone.min_lon <= max_lon)
        & (Zone.max_lon >= min_lon)
        & (Zone.min_lat <= max_lat)
        & (Zone.max_lat >= min_lat)
    )


def export_zones(
    level: str | None = None, codes: list[str] | None = None, bbox: BBox | None = None
) -> dict[str, Any]:
    """Every zone as the FeatureCollection import accepts (parents first): export -> import is a
    no-op, so an admin can edit the file in QGIS and send it back. A map asks with `bbox` for
    the zones in view only."""
    parent = aliased(Zone)
    query = (
        select(Zone.code, Zone.name, Zone.level, parent.code, Unit.code, Zone.geometry)
        .outerjoin(parent, Zone.parent_id == parent.id)
        .outerjoin(Unit, Zone.unit_id == Unit.id)
        .order_by(Zone.code)
    )
    if level:
        query = query.where(Zone.level == level)
    if codes:
        query = query.where(Zone.code.in_(codes))
    if bbox:
        query = query.where(in_bbox(bbox))
    rows = sorted(db.session.execute(query).all(), key=lambda r: (LEVELS.index(r[2]), r[0]))
    features = []
    for code, name, lvl, parent_code, unit_code, geometry in rows:
        props: dict[str, Any] = {"code": code, "name": name, "level": lvl}
        if parent_code:
            props["parent_code"] = parent_code
        if unit_code:
            props["unit_code"] = unit_code
        features.append({"type": "Feature", "properties": props, "geometry": json.loads(geometry)})
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------- lookup


@dataclass(frozen=True)
class Location:
    """Where a point lies: its unit grid and the zones above it."""

    grid_id: int
    chain: dict[str, dict[str, Any]]  # level -> {"id", "code", "name", "level", "unit_id", ...}
    snapped_m: float | None = None  # set when the point lay in a gap and was snapped to the grid

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            lvl: {"code": z["code"], "name": z["name"]} for lvl, z in self.chain.items()
        }
        if self.snapped_m is not None:
            out["snapped_m"] = round(self.snapped_m, 1)
        return out

    @property
    def zone_ids(self) -> list[int]:
        """Most specific first: grid, community, subdistrict, district."""
        return [self.chain[lvl]["id"] for lvl in reversed(LEVELS) if lvl in self.chain]

    @property
    def zones(self) -> list[dict[str, Any]]:
        """The chain as a list, most specific first (what routing walks)."""
        return [self.chain[lvl] for lvl in reversed(LEVELS) if lvl in self.chain]

    @property
    def grid_code(self) -> str:
        return self.chain["grid"]["code"]


def zone_geometry(zone_id: int) -> dict[str, Any]:
    """One zone's GeoJSON geometry (WGS-84): the phone page draws the grid it stands in."""
    return json.loads(db.session.scalar(select(Zone.geometry).where(Zone.id == zone_id)))


def outside_city() -> ApiError:
    return ApiError(
        404, "outside_city", "该位置不在本市网格范围内 / The point is outside every grid"
    )


def locate(lat: float, lon: float, snap_m: float = 0.0) -> Location:
    """The zone chain of a WGS-84 point. A point on a border shared by grids goes to the grid with
    the lowest id (deterministic); a point in a gap within snap_m metres of a grid is snapped to
    the nearest one; otherwise 404 outside_city."""
    snap = grid_cache().get()
    grid_id = snap.index.find(lon, lat)
    snapped = None
    if grid_id is None and snap_m > 0:
        near = snap.index.nearest(lon, lat, snap_m)
        if near is not None:
            grid_id, snapped = near
    if grid_id is None:
        raise outside_city()
    return Location(grid_id=grid_id, chain=_chain(snap.zones, grid_id), snapped_m=snapped)


def location_of_grid(grid_id: int) -> Location:
    """The stored grid's chain, without a point lookup (a case keeps its grid once placed)."""
    return Location(grid_id=grid_id, chain=_chain(grid_cache().get().zones, grid_id))


def zone_label(zone_id: int) -> dict[str, str] | None:
    """A zone's code and name from this process's index, without a database read (answers name
    the grid of every report they show), or None when the index does not hold the zone."""
    zone = grid_cache().get().zones.get(zone_id)
    return {"code": zone["code"], "name": zone["name"]} if zone is not None else None


def grid_label_of(row: Any) -> dict[str, str] | None:  # noqa: ANN401 - a Report or a Case
    """The code and name of the grid a report or case lies in: from the index, and from the
    row's own `grid` (a read of the zone with its polygon) only when the index lacks it (yet)."""
    if row.grid_id is None:
        return None
    label = zone_label(row.grid_id)
    if label is None and row.grid is not None:
        label = {"code": row.grid.code, "name": row.grid.name}
    return label


def _chain(zones: dict[int, dict[str, Any]], grid_id: int) -> dict[str, dict[str, Any]]:
    chain: dict[str, dict[str, Any]] = {}
    zone = zones.get(grid_id)
    while zone is not None:
        chain[zone["level"]] = zone
        zone = zones.get(zone["parent_id"]) if zone["parent_id"] else None
    return chain


def zone_json(zone: Zone) -> dict[str, Any]:
    return {
        "code": zone.code,
        "name": zone.name,
        "level": zone.level,
        "parent_code": zone.parent.code if zone.parent else None,
        "unit_code": zone.unit.code if zone.unit else None,
        "bbox": [zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat],
    }
