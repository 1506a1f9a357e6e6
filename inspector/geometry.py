"""GeoJSON <-> shapely, shared by zones and evaluation points."""

from __future__ import annotations

import json
from typing import Any

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity, make_valid

from .errors import invalid

POLYGONAL = ("Polygon", "MultiPolygon")


def parse_polygon(geojson: Any, label: str) -> BaseGeometry:
    """A valid (Multi)Polygon from GeoJSON; safe repairs (ring orientation, bow-ties) are made."""
    if not isinstance(geojson, dict) or geojson.get("type") not in POLYGONAL:
        raise invalid(
            f"{label}: 几何必须是 Polygon 或 MultiPolygon / geometry must be a Polygon or MultiPolygon"
        )
    try:
        geom = shape(geojson)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise invalid(f"{label}: 几何坐标无效 / invalid coordinates ({exc})") from exc
    if geom.is_empty:
        raise invalid(f"{label}: 几何为空 / empty geometry")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise invalid(f"{label}: 坐标超出经纬度范围 / coordinates out of range")
    if not geom.is_valid:
        reason = explain_validity(geom)
        repaired = make_valid(geom)
        polys = [g for g in getattr(repaired, "geoms", [repaired]) if g.geom_type in POLYGONAL]
        if (
            not polys
            or abs(sum(p.area for p in polys) - abs(geom.area)) > 0.01 * abs(geom.area) + 1e-12
        ):
            raise invalid(f"{label}: 多边形无效 / invalid polygon ({reason})")
        from shapely.ops import unary_union

        geom = unary_union(polys)
    return geom


def to_geojson_text(geom: BaseGeometry) -> str:
    return json.dumps(mapping(geom), separators=(",", ":"))


def from_geojson_text(text: str) -> BaseGeometry:
    return shape(json.loads(text))
