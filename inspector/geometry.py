"""GeoJSON <-> shapely, shared by zones and evaluation points: validation and safe repairs."""

from __future__ import annotations

import json
from typing import Any

import shapely
from geopy.distance import geodesic
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points, unary_union
from shapely.validation import explain_validity, make_valid

from .errors import invalid

POLYGONAL = ("Polygon", "MultiPolygon")
# A repair is "safe" when the valid result keeps the area the author drew (within this share):
# a spike, a doubled vertex, a ring touching itself. A bow-tie (lobes that cancel in the signed
# area) or a ring folded over itself changes the area and is refused: only the author knows
# which shape was meant.
SAFE_REPAIR_AREA_SHARE = 0.01


class GeometryError(ValueError):
    """A polygon we cannot accept; the message is bilingual and names no feature (callers do)."""


def check_polygon(geojson: Any) -> tuple[BaseGeometry, str | None]:
    """A valid 2-D (Multi)Polygon from GeoJSON and what was repaired (None: nothing).

    Raises GeometryError for anything unusable. Pure: no Flask, so the importer can collect the
    errors of many features before answering.
    """
    if not isinstance(geojson, dict) or geojson.get("type") not in POLYGONAL:
        raise GeometryError(
            "几何必须是 Polygon 或 MultiPolygon / geometry must be a Polygon or MultiPolygon"
        )
    repairs: list[str] = []
    try:
        if _has_open_ring(geojson):
            repairs.append("闭合未闭合的环 / closed an open ring")
        geom = shape(geojson)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise GeometryError(f"几何坐标无效 / invalid coordinates ({exc})") from exc
    if geom.has_z:
        geom = shapely.force_2d(geom)
        repairs.append("去掉高程 / dropped Z")
    if geom.is_empty:
        raise GeometryError("几何为空 / empty geometry")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeometryError("坐标超出经纬度范围 / coordinates out of range")
    if not geom.is_valid:
        reason = explain_validity(geom)
        repaired = make_valid(geom)
        polys = [g for g in getattr(repaired, "geoms", [repaired]) if g.geom_type in POLYGONAL]
        drawn = abs(geom.area)
        kept = sum(p.area for p in polys)
        if not polys or abs(kept - drawn) > SAFE_REPAIR_AREA_SHARE * drawn + 1e-14:
            raise GeometryError(f"多边形无效(自相交等)/ invalid polygon: {reason}")
        geom = unary_union(polys)
        repairs.append(f"修复 / repaired: {reason}")
    if geom.area <= 0:
        raise GeometryError("多边形面积为零 / polygon has no area")
    return geom, ("; ".join(repairs) or None)


def _has_open_ring(geojson: dict) -> bool:
    coords = geojson.get("coordinates")
    polygons = [coords] if geojson["type"] == "Polygon" else coords
    for polygon in polygons or []:
        for ring in polygon or []:
            if isinstance(ring, list) and len(ring) >= 3 and list(ring[0]) != list(ring[-1]):
                return True
    return False


def parse_polygon(geojson: Any, label: str) -> BaseGeometry:
    """check_polygon for a single API field: a 422 naming `label` when unusable."""
    try:
        return check_polygon(geojson)[0]
    except GeometryError as exc:
        raise invalid(f"{label}: {exc}") from exc


def to_geojson_text(geom: BaseGeometry) -> str:
    return json.dumps(mapping(geom), separators=(",", ":"))


def from_geojson_text(text: str) -> BaseGeometry:
    return shape(json.loads(text))


def metres_to(geom: BaseGeometry, lat: float, lon: float) -> float:
    """Geodesic metres from a WGS-84 place to the nearest edge of a polygon; 0 inside it (an
    on-site check at a point or a grid: anywhere inside is on site)."""
    here = shapely.Point(lon, lat)
    if geom.intersects(here):
        return 0.0
    nearest = nearest_points(geom, here)[0]
    return float(geodesic((lat, lon), (nearest.y, nearest.x)).meters)
