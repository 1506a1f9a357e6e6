"""Evaluation points: create/update, and which point holds a place."""

from __future__ import annotations

from typing import Any

import shapely
from sqlalchemy import select

from ..errors import invalid
from ..extensions import db
from ..geometry import from_geojson_text, parse_polygon, to_geojson_text
from ..org.service import unit_by_code
from .models import POINT_KINDS, EvaluationPoint


def upsert_point(
    code: str, name: str, kind: str, unit_code: str, polygon: Any, camera: bool = False
) -> EvaluationPoint:
    if kind not in POINT_KINDS:
        raise invalid(
            f"点位类型无效 {kind} / Unknown point kind", field="kind", allowed=list(POINT_KINDS)
        )
    geom = parse_polygon(polygon, f"点位 {code} / point {code}")
    owner = unit_by_code(unit_code)
    point = db.session.scalar(select(EvaluationPoint).where(EvaluationPoint.code == code))
    if point is None:
        point = EvaluationPoint(code=code)
        db.session.add(point)
    point.name, point.kind, point.camera = name, kind, bool(camera)
    point.unit = owner
    point.geometry = to_geojson_text(geom)
    point.min_lon, point.min_lat, point.max_lon, point.max_lat = geom.bounds
    db.session.flush()
    return point


def point_at(lat: float, lon: float) -> EvaluationPoint | None:
    """The smallest evaluation point containing the place (bbox pre-filter in SQL)."""
    candidates = db.session.scalars(
        select(EvaluationPoint).where(
            EvaluationPoint.min_lon <= lon,
            EvaluationPoint.max_lon >= lon,
            EvaluationPoint.min_lat <= lat,
            EvaluationPoint.max_lat >= lat,
        )
    ).all()
    here = shapely.Point(lon, lat)
    inside = [(from_geojson_text(p.geometry), p) for p in candidates]
    inside = [(g.area, p.id, p) for g, p in inside if g.intersects(here)]
    return min(inside)[2] if inside else None


def point_json(point: EvaluationPoint) -> dict[str, Any]:
    import json

    return {
        "code": point.code,
        "name": point.name,
        "kind": point.kind,
        "kind_name": POINT_KINDS[point.kind],
        "unit_code": point.unit.code,
        "camera": point.camera,
        "polygon": json.loads(point.geometry),
    }
