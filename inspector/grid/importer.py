"""GeoJSON zone import: validate everything first, then write level by level in bulk.

A city has ~50,000 grids, so nothing here runs a query per feature: existing zones and units are
read once, new zones are inserted with one executemany per level, changed ones updated by primary
key in bulk, and the parent-containment check runs vectorised against each prepared parent.
Errors are collected (up to MAX_ERRORS) so an admin can fix a file in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from sqlalchemy import insert, select, update

from ..errors import ApiError
from ..extensions import db
from ..geometry import GeometryError, check_polygon
from ..org.models import Unit
from ..timeutil import utcnow
from .models import LEVELS, PARENT_LEVEL, Zone

GRID_CODE = re.compile(r"^\d{15}$")
ZONE_CODE = re.compile(r"^[0-9A-Za-z_-]{1,20}$")
MAX_ERRORS = 50
# Children may overhang their parent by this much (degrees, ~0.1 m): digitising noise on a border.
CONTAINMENT_TOLERANCE = 1e-6


@dataclass
class ImportReport:
    imported: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    repaired: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "by_level": self.by_level,
            "repaired": self.repaired,
        }


@dataclass
class _Item:
    index: int
    code: str
    name: str
    level: str
    parent_code: str | None
    unit_code: str | None
    geom: Any
    text: str = ""


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, index: int, code: str | None, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append({"feature": index, "code": code, "message": message})

    def raise_if_any(self) -> None:
        if not self.items:
            return
        first = self.items[0]
        label = (
            f"要素 #{first['feature']} ({first['code'] or '无编码'}) / feature #{first['feature']}"
        )
        raise ApiError(
            422,
            "invalid_input",
            f"{label}: {first['message']}",
            {"feature": first["feature"], "errors": self.items},
        )


def import_collection(collection: Any) -> ImportReport:
    """Validate a FeatureCollection and upsert its zones by code; flush, never commit."""
    errors = _Errors()
    items = _parse(_features(collection), errors)
    existing = {
        row.code: row
        for row in db.session.execute(
            select(
                Zone.id,
                Zone.code,
                Zone.level,
                Zone.name,
                Zone.parent_id,
                Zone.unit_id,
                Zone.geometry,
            )
        )
    }
    units = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    _check_references(items, existing, units, errors)
    errors.raise_if_any()
    _check_containment(items, existing, errors)
    errors.raise_if_any()
    return _write(items, existing, units)


def _features(collection: Any) -> list[dict]:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ApiError(
            422,
            "invalid_input",
            "需要 GeoJSON FeatureCollection / a GeoJSON FeatureCollection is required",
        )
    features = collection.get("features")
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise ApiError(
            422,
            "invalid_input",
            "features 必须是要素数组 / features must be a list of Feature objects",
        )
    return features


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value).strip()


def _parse(features: list[dict], errors: _Errors) -> list[_Item]:
    seen: dict[str, int] = {}
    items: list[_Item] = []
    for i, feature in enumerate(features):
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        code = _text(props.get("code")) or ""
        if not ZONE_CODE.match(code):
            errors.add(i, code or None, "code 缺失或格式无效 / missing or malformed code")
            continue
        if code in seen:
            errors.add(i, code, f"编码重复(同要素 #{seen[code]})/ duplicate code")
            continue
        seen[code] = i
        level = props.get("level")
        if level not in LEVELS:
            errors.add(i, code, f"level 必须是 {'/'.join(LEVELS)} / invalid level")
            continue
        if level == "grid" and not GRID_CODE.match(code):
            errors.add(i, code, "单元网格编码须为15位数字 / grid code must have 15 digits")
            continue
        name = _text(props.get("name"))
        if name == "" or (name and len(name) > 120):
            errors.add(i, code, "name 无效 / invalid name")
            continue
        try:
            geom, repair = check_polygon(feature.get("geometry"))
        except GeometryError as exc:
            errors.add(i, code, str(exc))
            continue
        item = _Item(
            i,
            code,
            name or code,
            level,
            _text(props.get("parent_code")) or None,
            _text(props.get("unit_code")) or None,
            geom,
        )
        if repair:
            item.text = repair  # reported below, replaced by the GeoJSON text on write
        items.append(item)
    return items


def _check_references(
    items: list[_Item], existing: dict[str, Any], units: dict[str, int], errors: _Errors
) -> None:
    levels = {item.code: item.level for item in items}
    for item in items:
        old = existing.get(item.code)
        if old is not None and old.level != item.level:
            errors.add(
                item.index, item.code, "不能修改已有区域的层级 / cannot change a zone's level"
            )
        want = PARENT_LEVEL[item.level]
        if want is None:
            if item.parent_code:
                errors.add(item.index, item.code, "区不能有上级 / a district has no parent")
        else:
            parent_level = levels.get(item.parent_code or "")
            if parent_level is None and item.parent_code in existing:
                parent_level = existing[item.parent_code].level
            if parent_level is None:
                errors.add(
                    item.index,
                    item.code,
                    f"上级区域 {item.parent_code} 不存在 / unknown parent_code",
                )
            elif parent_level != want:
                errors.add(
                    item.index,
                    item.code,
                    f"上级 {item.parent_code} 是{parent_level}级,应为{want}级 / "
                    f"parent must be a {want}, not a {parent_level}",
                )
        if item.unit_code and item.unit_code not in units:
            errors.add(
                item.index, item.code, f"责任单位 {item.unit_code} 不存在 / unknown unit_code"
            )


def _check_containment(items: list[_Item], existing: dict[str, Any], errors: _Errors) -> None:
    """Each child within its (tolerance-widened, prepared) parent; one vectorised call per parent."""
    geoms = {item.code: item.geom for item in items}
    children: dict[str, list[_Item]] = {}
    for item in items:
        if item.parent_code:
            children.setdefault(item.parent_code, []).append(item)
    for parent_code, kids in children.items():
        parent = geoms.get(parent_code)
        if parent is None:
            parent = shapely.from_geojson(existing[parent_code].geometry)
        widened = shapely.buffer(parent, CONTAINMENT_TOLERANCE)
        shapely.prepare(widened)
        inside = shapely.covers(widened, np.array([k.geom for k in kids], dtype=object))
        for kid, ok in zip(kids, inside.tolist(), strict=True):
            if not ok:
                errors.add(
                    kid.index,
                    kid.code,
                    f"超出上级区域 {parent_code} 范围 / lies outside its parent zone",
                )


def _write(items: list[_Item], existing: dict[str, Any], units: dict[str, int]) -> ImportReport:
    report = ImportReport(imported=len(items))
    for item in items:
        if item.text:
            report.repaired.append({"feature": item.index, "code": item.code, "repair": item.text})
    texts = shapely.to_geojson(np.array([item.geom for item in items], dtype=object))
    for item, text in zip(items, texts.tolist(), strict=True):
        item.text = text
    ids = {code: row.id for code, row in existing.items()}
    now = utcnow()
    for level in LEVELS:
        batch = [item for item in items if item.level == level]
        report.by_level[level] = len(batch)
        new_rows, changed_rows = [], []
        for item in batch:
            minx, miny, maxx, maxy = item.geom.bounds
            row = {
                "code": item.code,
                "name": item.name,
                "level": level,
                "parent_id": ids[item.parent_code] if item.parent_code else None,
                "geometry": item.text,
                "min_lon": minx,
                "min_lat": miny,
                "max_lon": maxx,
                "max_lat": maxy,
                "updated_at": now,
            }
            old = existing.get(item.code)
            unit_id = units[item.unit_code] if item.unit_code else (old.unit_id if old else None)
            row["unit_id"] = unit_id
            if old is None:
                new_rows.append(row)
            elif (old.name, old.parent_id, old.unit_id, old.geometry) == (
                row["name"],
                row["parent_id"],
                unit_id,
                row["geometry"],
            ):
                report.unchanged += 1
            else:
                changed_rows.append(dict(row, id=old.id))
        if new_rows:
            db.session.execute(insert(Zone), new_rows)
            codes = {row["code"] for row in new_rows}
            for zid, code in db.session.execute(
                select(Zone.id, Zone.code).where(Zone.level == level)
            ):
                if code in codes:
                    ids[code] = zid
        if changed_rows:
            db.session.execute(update(Zone), changed_rows)
        report.created += len(new_rows)
        report.updated += len(changed_rows)
    return report
