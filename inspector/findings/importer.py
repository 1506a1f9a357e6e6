"""Import a findings list (问题清单) as one batch: every row checked first, then each new item
opened as a case (source `inspection`), routed and dispatched like a dispatcher's 派遣.

All or nothing: one bad row and nothing is written; the answer lists every bad row by line.
Re-importing the same list (same source and name) updates the items by 序号 instead of adding
cases: the text and 扣分 follow the new file; place, category and photos stay as first imported,
since the case is already in the loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from ..access.actor import Actor
from ..categories.models import Category
from ..errors import ApiError
from ..extensions import db
from ..geometry import from_geojson_text
from ..grid.address import address_for
from ..grid.coords import SYSTEMS, to_wgs84
from ..grid.models import Zone
from ..grid.service import Location, locate
from ..photos.service import Upload, store_uploads
from ..photos.validate import inspect_image
from ..points.models import EvaluationPoint
from ..reports.models import Report
from ..reports.service import open_case, record_intake
from ..workflow.service import dispatch_by_routing
from .archive import PhotoArchive
from .models import BATCH_SOURCES, FindingBatch, FindingItem
from .table import Table, read_table

SOURCE = "inspection"  # Case/Report source of findings items
REQUIRED = ("序号", "问题描述", "问题类别")
_SPLIT = re.compile(r"[;；,，、\s]+")
_LEVEL_DEPTH = {"grid": 4, "community": 3, "subdistrict": 2, "district": 1}


@dataclass
class BatchMeta:
    name: str
    source: str
    due_date: date | None = None


@dataclass
class Row:
    line: int
    item_no: str
    description: str
    category: Category
    lat: float
    lon: float
    location: Location
    position_basis: str  # coordinates | point | address
    lost_marks: float | None
    photo_names: list[str]
    uploads: list[Upload] = field(default_factory=list)


@dataclass
class ImportResult:
    batch: FindingBatch
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    undispatched: list[str] = field(default_factory=list)  # 序号 left `filed` (no unit matched)


class _RowError(Exception):
    pass


def import_batch(
    actor: Actor, meta: BatchMeta, table_data: bytes, photos_zip: bytes | None, now: datetime
) -> ImportResult:
    if meta.source not in BATCH_SOURCES:
        raise ApiError(422, "invalid_input", "来源无效 / invalid source", {"field": "source"})
    table = read_table(table_data)
    missing = [h for h in REQUIRED if h not in table.header]
    if missing:
        raise ApiError(
            422,
            "invalid_file",
            f"缺少表头 / missing header: {'、'.join(missing)}",
            {"missing": missing},
        )
    cfg = current_app.config
    archive = (
        PhotoArchive(photos_zip, int(cfg["MAX_UPLOAD_MB"]) * 1024 * 1024) if photos_zip else None
    )
    try:
        rows, errors = _check_rows(table, archive)
    finally:
        if archive is not None:
            archive.close()
    if errors:
        raise ApiError(
            422,
            "invalid_rows",
            f"清单有 {len(errors)} 处错误,未导入任何内容 / {len(errors)} bad rows, nothing imported",
            {"errors": errors},
        )
    return _write(actor, meta, rows, now)


# ---------------------------------------------------------------- checks


def _check_rows(table: Table, archive: PhotoArchive | None) -> tuple[list[Row], list[dict]]:
    categories = db.session.scalars(select(Category)).all()
    by_key = {c.code: c for c in categories} | {c.name: c for c in categories}
    seen: dict[str, int] = {}
    rows, errors = [], []
    for line, cells in table.rows:
        try:
            row = _check_row(line, cells, by_key, archive)
        except _RowError as exc:
            errors.append({"line": line, "message": str(exc)})
            continue
        if row.item_no in seen:
            errors.append(
                {
                    "line": line,
                    "message": f"序号 {row.item_no} 与第 {seen[row.item_no]} 行重复 / duplicate item number",
                }
            )
            continue
        seen[row.item_no] = line
        rows.append(row)
    if not rows and not errors:
        errors.append({"line": 0, "message": "清单没有任何问题 / the list has no rows"})
    return rows, errors


def _check_row(
    line: int, cells: dict[str, str], categories: dict[str, Category], archive: PhotoArchive | None
) -> Row:
    item_no = cells.get("序号", "")
    if not item_no or len(item_no) > 40:
        raise _RowError("序号为空或超过 40 字 / item number missing or longer than 40")
    description = cells.get("问题描述", "")
    if not description or len(description) > 2000:
        raise _RowError("问题描述为空或超过 2000 字 / description missing or too long")
    category = categories.get(cells.get("问题类别", ""))
    if category is None:
        raise _RowError(f"问题类别 {cells.get('问题类别', '')!r} 不存在 / unknown category")
    lat, lon, basis = _place(cells)
    try:
        location = locate(lat, lon, snap_m=current_app.config["SNAP_DISTANCE_M"])
    except ApiError as exc:
        raise _RowError("位置不在本市网格内 / outside the city") from exc
    lost = _lost_marks(cells.get("扣分", ""))
    names = [n for n in _SPLIT.split(cells.get("照片", "")) if n]
    row = Row(line, item_no, description, category, lat, lon, location, basis, lost, names)
    row.uploads = _photos(names, archive)
    return row


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise _RowError(f"{what} {text!r} 不是数字 / not a number") from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise _RowError(f"{what} {text!r} 不是数字 / not a number")
    return value


def _place(cells: dict[str, str]) -> tuple[float, float, str]:
    """Coordinates (any of our systems, default GCJ-02), else a point code, else an address."""
    lon_text, lat_text = cells.get("经度", ""), cells.get("纬度", "")
    if lon_text or lat_text:
        lon, lat = _number(lon_text, "经度"), _number(lat_text, "纬度")
        system = (cells.get("坐标系", "") or "gcj02").lower()
        if system not in SYSTEMS:
            raise _RowError(f"坐标系 {system!r} 无效,应为 wgs84/gcj02/bd09 / unknown coord_sys")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _RowError("经纬度超出范围 / coordinates out of range")
        lat, lon = to_wgs84(lat, lon, system)
        return lat, lon, "coordinates"
    code = cells.get("点位编号", "")
    if code:
        point = db.session.scalar(select(EvaluationPoint).where(EvaluationPoint.code == code))
        if point is None:
            raise _RowError(f"点位编号 {code} 不存在 / unknown evaluation point")
        spot = from_geojson_text(point.geometry).representative_point()
        return spot.y, spot.x, "point"
    address = cells.get("地址", "")
    if address:
        zone = _zone_named_in(address)
        if zone is None:
            raise _RowError(
                f"地址 {address!r} 中找不到本市的网格、社区、街道或区名 / address names no known zone"
            )
        spot = from_geojson_text(zone.geometry).representative_point()
        return spot.y, spot.x, "address"
    raise _RowError(
        "缺少位置:经纬度、点位编号或地址 / no place: coordinates, point code or address"
    )


def _zone_named_in(address: str) -> Zone | None:
    """The most specific zone whose name the address contains (网格 before 社区 before 街道),
    the longest name first. Without a geocoder this is as far as an address can be placed."""
    zones = db.session.scalars(select(Zone)).all()
    named = [z for z in zones if z.name and z.name in address]
    if not named:
        return None
    return max(named, key=lambda z: (_LEVEL_DEPTH.get(z.level, 0), len(z.name), -z.id))


def _lost_marks(text: str) -> float | None:
    if not text:
        return None
    value = _number(text, "扣分")
    if not 0 <= value <= 100:
        raise _RowError("扣分应在 0 至 100 之间 / lost marks must be 0..100")
    return value


def _photos(names: list[str], archive: PhotoArchive | None) -> list[Upload]:
    if not names:
        return []
    if archive is None:
        raise _RowError("列出了照片但没有上传照片压缩包 / photos listed but no photos ZIP")
    if len(names) > 9:
        raise _RowError("每条最多 9 张照片 / at most 9 photos per item")
    cfg = current_app.config
    zone = ZoneInfo(cfg.get("TIMEZONE") or "Asia/Shanghai")
    uploads = []
    for name in names:
        data = archive.read(name)
        if data is None:
            raise _RowError(f"压缩包中没有照片 {name} / photo not in the ZIP")
        try:
            info = inspect_image(
                data,
                int(cfg["MAX_UPLOAD_MB"]) * 1024 * 1024,
                int(cfg["MAX_IMAGE_PIXELS"]),
                zone,
            )
        except ApiError as exc:
            raise _RowError(f"照片 {name}:{exc.message}") from exc
        uploads.append(Upload(data, info))
    return uploads


# ---------------------------------------------------------------- writing


def _write(actor: Actor, meta: BatchMeta, rows: list[Row], now: datetime) -> ImportResult:
    batch = db.session.scalar(
        select(FindingBatch).where(
            FindingBatch.source == meta.source, FindingBatch.name == meta.name
        )
    )
    if batch is None:
        batch = FindingBatch(
            name=meta.name, source=meta.source, created_by_id=actor.account_id, created_at=now
        )
        db.session.add(batch)
    batch.due_date = meta.due_date
    batch.updated_at = now
    db.session.flush()
    existing = {
        item.item_no: item
        for item in db.session.scalars(select(FindingItem).where(FindingItem.batch_id == batch.id))
    }
    result = ImportResult(batch)
    for row in rows:
        item = existing.get(row.item_no)
        if item is None:
            if not _create(actor, batch, row, now):
                result.undispatched.append(row.item_no)
            result.created += 1
        elif item.description != row.description or item.lost_marks != row.lost_marks:
            item.description, item.lost_marks, item.updated_at = (
                row.description,
                row.lost_marks,
                now,
            )
            result.updated += 1
        else:
            result.unchanged += 1
    db.session.flush()
    return result


def _create(actor: Actor, batch: FindingBatch, row: Row, now: datetime) -> bool:
    photos = store_uploads(row.uploads, actor.account_id)
    report = Report(
        reporter_id=actor.account_id,
        source=SOURCE,
        lat=row.lat,
        lon=row.lon,
        position_source=row.position_basis[:12],
        grid_id=row.location.grid_id,
        category=row.category,
        description=row.description,
        created_at=now,
    )
    case = open_case(report, row.location, row.category, "filed", now)
    case.batch_id = batch.id
    if row.position_basis == "address":
        case.address = address_for(row.location, row.lat, row.lon)
    record_intake(
        actor,
        report,
        case,
        note=row.description,
        data={
            "source": SOURCE,
            "warnings": [],
            "category_code": row.category.code,
            "batch_id": batch.id,
            "item_no": row.item_no,
            "position_basis": row.position_basis,
        },
        photos=photos,
        at=now,
    )
    owner = case.point.unit_id if case.point else row.location.chain["grid"].get("unit_id")
    db.session.add(
        FindingItem(
            batch_id=batch.id,
            item_no=row.item_no,
            case=case,
            description=row.description,
            lost_marks=row.lost_marks,
            owner_unit_id=owner,
            photo_names=row.photo_names,
            created_at=now,
            updated_at=now,
        )
    )
    note = f"问题清单《{batch.name}》第 {row.item_no} 项"
    return dispatch_by_routing(case, actor, now, note)
