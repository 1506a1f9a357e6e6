"""Zones: GeoJSON import and the point -> grid -> community -> subdistrict -> district lookup."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from geopy.distance import geodesic
from shapely.ops import nearest_points
from sqlalchemy import select

from ..errors import ApiError, invalid
from ..extensions import db
from ..geometry import from_geojson_text, parse_polygon, to_geojson_text
from ..org.service import unit_by_code
from .index import PolygonIndex
from .models import LEVELS, PARENT_LEVEL, Revision, Zone

GRID_CODE = re.compile(r"^\d{15}$")
ZONES_REVISION = "zones"


# ---------------------------------------------------------------- import


def import_zones(collection: Any) -> int:
    """Validate a FeatureCollection and upsert its zones by code, parents before children."""
    features = _features(collection)
    seen: set[str] = set()
    parsed = []
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        code = str(props.get("code") or "").strip()
        label = f"要素 #{i} ({code or '无编码'}) / feature #{i}"
        if not code:
            raise invalid(f"{label}: 缺少 code / missing code", feature=i)
        if code in seen:
            raise invalid(f"{label}: 编码重复 / duplicate code", feature=i)
        seen.add(code)
        level = props.get("level")
        if level not in LEVELS:
            raise invalid(f"{label}: level 必须是 {'/'.join(LEVELS)} / invalid level", feature=i)
        if level == "grid" and not GRID_CODE.match(code):
            raise invalid(
                f"{label}: 单元网格编码须为15位数字 / grid code must have 15 digits", feature=i
            )
        geom = parse_polygon(feature.get("geometry"), label)
        parsed.append((i, label, code, level, props, geom))
    parsed.sort(key=lambda item: LEVELS.index(item[3]))
    for i, label, code, level, props, geom in parsed:
        _upsert(i, label, code, level, props, geom)
    bump_revision(ZONES_REVISION)
    db.session.flush()
    return len(parsed)


def _features(collection: Any) -> list[dict]:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise invalid("需要 GeoJSON FeatureCollection / a GeoJSON FeatureCollection is required")
    features = collection.get("features")
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise invalid("features 必须是要素数组 / features must be a list of Feature objects")
    return features


def _upsert(i: int, label: str, code: str, level: str, props: dict, geom) -> Zone:  # noqa: ANN001
    parent = None
    parent_code = props.get("parent_code")
    if PARENT_LEVEL[level] is not None:
        parent = db.session.scalar(select(Zone).where(Zone.code == str(parent_code or "")))
        if parent is None:
            raise invalid(
                f"{label}: 上级区域 {parent_code} 不存在 / unknown parent_code", feature=i
            )
        if parent.level != PARENT_LEVEL[level]:
            raise invalid(
                f"{label}: 上级必须是{PARENT_LEVEL[level]}级 / parent must be a {PARENT_LEVEL[level]}",
                feature=i,
            )
        if not from_geojson_text(parent.geometry).buffer(1e-6).covers(geom):
            raise invalid(f"{label}: 超出上级区域范围 / lies outside its parent zone", feature=i)
    elif parent_code:
        raise invalid(f"{label}: 区不能有上级 / a district has no parent", feature=i)
    unit = unit_by_code(props["unit_code"], "unit_code") if props.get("unit_code") else None
    zone = db.session.scalar(select(Zone).where(Zone.code == code))
    if zone is None:
        zone = Zone(code=code)
        db.session.add(zone)
    elif zone.level != level:
        raise invalid(f"{label}: 不能修改已有区域的层级 / cannot change a zone's level", feature=i)
    zone.name = str(props.get("name") or code)
    zone.level, zone.parent = level, parent
    zone.unit = unit or zone.unit
    zone.geometry = to_geojson_text(geom)
    zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat = geom.bounds
    db.session.flush()
    return zone


def bump_revision(name: str) -> None:
    row = db.session.get(Revision, name)
    if row is None:
        db.session.add(Revision(name=name, value=1))
    else:
        row.value += 1


def current_revision(name: str) -> int:
    row = db.session.get(Revision, name)
    return row.value if row else 0


# ---------------------------------------------------------------- lookup


@dataclass(frozen=True)
class Location:
    grid_id: int
    chain: dict[str, dict[str, Any]]  # level -> {"id", "code", "name", "unit_id"}
    snapped_m: float | None = None

    def as_json(self) -> dict[str, Any]:
        out = {lvl: {"code": z["code"], "name": z["name"]} for lvl, z in self.chain.items()}
        if self.snapped_m is not None:
            out["snapped_m"] = round(self.snapped_m, 1)
        return out

    @property
    def zone_ids(self) -> list[int]:
        """Most specific first: grid, community, subdistrict, district."""
        return [self.chain[lvl]["id"] for lvl in reversed(LEVELS) if lvl in self.chain]


class _GridCache:
    """One spatial index per process, rebuilt when the zones revision in the database moves."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[str, int] | None = None
        self.index: PolygonIndex | None = None
        self.zones: dict[int, dict[str, Any]] = {}

    def get(self) -> tuple[PolygonIndex, dict[int, dict[str, Any]]]:
        key = (str(db.engine.url), current_revision(ZONES_REVISION))
        with self.lock:
            if key != self.key or self.index is None:
                self.index, self.zones = _build()
                self.key = key
            return self.index, self.zones


def _build() -> tuple[PolygonIndex, dict[int, dict[str, Any]]]:
    rows = db.session.execute(
        select(
            Zone.id, Zone.code, Zone.name, Zone.level, Zone.parent_id, Zone.unit_id, Zone.geometry
        )
    ).all()
    zones = {
        r.id: {
            "id": r.id,
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "parent_id": r.parent_id,
            "unit_id": r.unit_id,
        }
        for r in rows
    }
    grids = [(r.id, from_geojson_text(r.geometry)) for r in rows if r.level == "grid"]
    return PolygonIndex(grids), zones


_cache = _GridCache()


def locate(lat: float, lon: float, snap_m: float = 0.0) -> Location:
    """The zone chain of a WGS-84 point; within snap_m of a grid counts as inside it."""
    index, zones = _cache.get()
    grid_id = index.find(lon, lat)
    snapped = None
    if grid_id is None and snap_m > 0:
        near = index.nearest(lon, lat)
        if near is not None:
            import shapely

            p = nearest_points(near[1], shapely.Point(lon, lat))[0]
            dist = geodesic((lat, lon), (p.y, p.x)).meters
            if dist <= snap_m:
                grid_id, snapped = near[0], dist
    if grid_id is None:
        raise ApiError(
            404, "outside_city", "该位置不在本市网格范围内 / The point is outside every grid"
        )
    chain: dict[str, dict[str, Any]] = {}
    zone = zones.get(grid_id)
    while zone is not None:
        chain[zone["level"]] = zone
        zone = zones.get(zone["parent_id"]) if zone["parent_id"] else None
    return Location(grid_id=grid_id, chain=chain, snapped_m=snapped)


def zone_json(zone: Zone) -> dict[str, Any]:
    return {
        "code": zone.code,
        "name": zone.name,
        "level": zone.level,
        "parent_code": zone.parent.code if zone.parent else None,
        "unit_code": zone.unit.code if zone.unit else None,
    }
