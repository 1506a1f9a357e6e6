"""Evaluation points: create/update, and which point holds a place."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import bindparam, select

from ..errors import ApiError, invalid, not_found
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


def import_points(collection: Any) -> dict[str, Any]:
    """Load a GeoJSON FeatureCollection of points (properties: code, name, kind, unit_code or
    owner_unit, camera). All or nothing: the admin fixes the file and sends it again, so a
    half-loaded point list never decides routing. Errors name the feature by its 1-based index."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise invalid("须为 GeoJSON FeatureCollection / a FeatureCollection is required")
    features = collection.get("features")
    if not isinstance(features, list):
        raise invalid("features 须为数组 / features must be a list")
    errors: list[dict[str, Any]] = []
    created = updated = 0
    for index, feature in enumerate(features, start=1):
        try:
            args = _point_args(feature)
            existing = db.session.scalar(
                select(EvaluationPoint.id).where(EvaluationPoint.code == args["code"])
            )
            upsert_point(**args)
        except ApiError as exc:
            errors.append({"feature": index, "message": exc.message})
            continue
        if existing is None:
            created += 1
        else:
            updated += 1
    if errors:
        raise invalid(
            "点位文件有误,未导入 / the point file has errors, nothing loaded", errors=errors
        )
    return {"created": created, "updated": updated}


def _point_args(feature: Any) -> dict[str, Any]:
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        raise invalid("要素缺少 properties / feature without properties")
    props = feature["properties"]
    values = {
        "code": props.get("code"),
        "name": props.get("name"),
        "kind": props.get("kind"),
        "unit_code": props.get("unit_code") or props.get("owner_unit"),
    }
    for name, value in values.items():
        if not isinstance(value, str) or not value.strip() or len(value) > _MAX_LENGTHS[name]:
            raise invalid(f"{name} 缺失或无效 / {name} missing or invalid", field=name)
    camera = props.get("camera", False)
    if not isinstance(camera, bool):
        raise invalid("camera 须为 true/false / camera must be a boolean", field="camera")
    return {**values, "polygon": feature.get("geometry"), "camera": camera}


_MAX_LENGTHS = {"code": 40, "name": 120, "kind": 30, "unit_code": 40}


def point_by_code(code: str) -> EvaluationPoint:
    point = db.session.scalar(select(EvaluationPoint).where(EvaluationPoint.code == code))
    if point is None:
        raise not_found("测评点位 / Evaluation point")
    return point


# Built once: every intake and every dispatch asks it.
_HOLDING = select(EvaluationPoint).where(
    EvaluationPoint.min_lon <= bindparam("lon"),
    EvaluationPoint.max_lon >= bindparam("lon"),
    EvaluationPoint.min_lat <= bindparam("lat"),
    EvaluationPoint.max_lat >= bindparam("lat"),
)


@lru_cache(maxsize=1024)
def _shape(geojson: str) -> BaseGeometry:
    """A point's polygon, parsed once per process for each text it has had (a changed polygon is
    another text)."""
    return from_geojson_text(geojson)


def point_at(lat: float, lon: float) -> EvaluationPoint | None:
    """The smallest evaluation point containing the place (bbox pre-filter in SQL)."""
    candidates = db.session.scalars(_HOLDING, {"lat": lat, "lon": lon}).all()
    here = shapely.Point(lon, lat)
    inside = [(_shape(p.geometry), p) for p in candidates]
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
