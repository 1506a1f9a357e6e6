"""台账 (case ledger) as XLSX, CSV and GeoJSON: streamed rows, only what the caller may see.

Rows come from one SELECT read in batches (a server-side cursor on PostgreSQL), so a 200,000-row
export never holds all cases; the XLSX goes through openpyxl's write-only mode (rows are spooled
to a temporary file, not kept as cells) and is then sent in chunks.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, null, select
from sqlalchemy.orm import aliased

from ..access.actor import Actor
from ..access.policy import PHONE_ROLES
from ..categories.models import FAMILIES, Category
from ..extensions import db
from ..grid.models import Zone
from ..org.models import Unit
from ..photos.models import Photo
from ..photos.service import photo_signer
from ..reports.models import SOURCES, Report
from ..sla.service import overdue_clause
from ..timeutil import iso_local, utcnow
from ..workflow.models import Case
from ..workflow.scopes import visible_cases
from ..workflow.states import STATUS_ZH
from .periods import Period

BATCH = 2000
# (key, 中文表头). The phone column only for roles that may call reporters back.
COLUMNS = [
    ("number", "案件编号"),
    ("source", "来源"),
    ("category", "问题类别"),
    ("family", "大类"),
    ("address", "地址"),
    ("grid_code", "网格编码"),
    ("grid_name", "网格"),
    ("unit", "责任单位"),
    ("reported_at", "上报时间"),
    ("dispatched_at", "派遣时间"),
    ("due_at", "处置期限"),
    ("closed_at", "结案时间"),
    ("status", "状态"),
    ("overdue", "是否超期"),
    ("rework_count", "返工次数"),
    ("escalation_level", "督办级别"),
    ("lat", "纬度"),
    ("lon", "经度"),
    ("photo", "照片链接"),
]
PHONE_COLUMN = ("phone", "联系电话")


@dataclass(frozen=True)
class ExportFilter:
    period: Period | None = None
    status: str | None = None
    unit_code: str | None = None
    grid_code: str | None = None


def columns_for(actor: Actor) -> list[tuple[str, str]]:
    return COLUMNS + [PHONE_COLUMN] if actor.role in PHONE_ROLES else list(COLUMNS)


def _query(actor: Actor, f: ExportFilter) -> Select:
    grid = aliased(Zone)
    first_photo = (
        select(Photo.id)
        .join(Report, Report.id == Photo.report_id)
        .where(Report.case_id == Case.id)
        .order_by(Report.id, Photo.position)
        .limit(1)
        .scalar_subquery()
    )
    phone = (
        select(Report.phone)
        .where(Report.case_id == Case.id, Report.phone.is_not(None))
        .order_by(Report.id)
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            Case.id,
            Case.number,
            Case.source,
            Case.status,
            Case.address,
            Case.lat,
            Case.lon,
            Case.created_at,
            Case.dispatched_at,
            Case.due_at,
            Case.closed_at,
            Case.rework_count,
            Case.escalation_level,
            overdue_clause().label("overdue"),
            Category.name.label("category"),
            Category.family,
            grid.code.label("grid_code"),
            grid.name.label("grid_name"),
            Unit.name.label("unit"),
            first_photo.label("photo_id"),
            (phone if actor.role in PHONE_ROLES else null()).label("phone"),
        )
        .outerjoin(Category, Category.id == Case.category_id)
        .outerjoin(grid, grid.id == Case.grid_id)
        .outerjoin(Unit, Unit.id == Case.unit_id)
        .where(visible_cases(actor))
        .order_by(Case.id)
    )
    if f.period is not None:
        query = query.where(Case.created_at >= f.period.start, Case.created_at < f.period.end)
    if f.status:
        query = query.where(Case.status == f.status)
    if f.unit_code:
        query = query.where(Unit.code == f.unit_code)
    if f.grid_code:
        query = query.where(grid.code == f.grid_code)
    return query


@dataclass(frozen=True)
class Source:
    """What the rows need, taken while the request is there: they are read after it returned
    (streamed answers), on a connection of their own that closes with the generator."""

    engine: Engine
    sign: Callable[[int], str]  # photo id -> absolute signed URL


def source(base_url: str) -> Source:
    return Source(db.engine, photo_signer(base_url))


def rows(actor: Actor, f: ExportFilter, src: Source) -> Iterator[dict[str, Any]]:
    """One dict per case, in id order, read BATCH rows at a time."""
    with src.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
            _query(actor, f)
        )
        for r in result:
            yield _row(r, src)


def _row(r: Any, src: Source) -> dict[str, Any]:
    return {
        "number": r.number,
        "source": SOURCES.get(r.source, r.source),
        "category": r.category,
        "family": FAMILIES.get(r.family) if r.family else None,
        "address": r.address,
        "grid_code": r.grid_code,
        "grid_name": r.grid_name,
        "unit": r.unit,
        "reported_at": _time(r.created_at),
        "dispatched_at": _time(r.dispatched_at),
        "due_at": _time(r.due_at),
        "closed_at": _time(r.closed_at),
        "status": STATUS_ZH.get(r.status, r.status),
        "overdue": "是" if r.overdue else "否",
        "rework_count": r.rework_count,
        "escalation_level": r.escalation_level,
        "lat": r.lat,
        "lon": r.lon,
        "photo": src.sign(r.photo_id) if r.photo_id else None,
        "phone": r.phone,
        "_id": r.id,
    }


def _time(value: datetime | None) -> str | None:
    text = iso_local(value)
    return text[:19].replace("T", " ") if text else None


def csv_chunks(actor: Actor, f: ExportFilter, src: Source) -> Iterator[str]:
    """UTF-8 with a BOM, so Excel opens the Chinese headers correctly."""
    cols = columns_for(actor)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for _key, title in cols])
    yield "\ufeff" + _drain(buffer)
    for index, row in enumerate(rows(actor, f, src), start=1):
        writer.writerow(["" if row[k] is None else row[k] for k, _t in cols])
        if index % 500 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def geojson_chunks(actor: Actor, f: ExportFilter, src: Source) -> Iterator[str]:
    cols = columns_for(actor)
    yield '{"type":"FeatureCollection","features":['
    for index, row in enumerate(rows(actor, f, src)):
        feature = {
            "type": "Feature",
            "id": row["_id"],
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {k: row[k] for k, _t in cols if k not in ("lat", "lon")},
        }
        yield ("," if index else "") + json.dumps(feature, ensure_ascii=False)
    yield "]}"


def xlsx_file(actor: Actor, f: ExportFilter, src: Source) -> tempfile.SpooledTemporaryFile:
    """The workbook in a temporary file (write-only: rows are never kept as cells)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    cols = columns_for(actor)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("案件台账")
    sheet.freeze_panes = "A2"
    for index, (key, _title) in enumerate(cols, start=1):
        wide = key in ("address", "photo", "unit", "category", "grid_name")
        sheet.column_dimensions[get_column_letter(index)].width = 28 if wide else 14
    header = []
    for _key, title in cols:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for count, row in enumerate(rows(actor, f, src), start=1):  # noqa: B007
        sheet.append([row[k] for k, _t in cols])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{count + 1}"
    # The view streams it and closes it when the last chunk has gone out.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    book.save(out)
    out.seek(0)
    return out


def file_name(ext: str) -> str:
    return f"cases-{utcnow().strftime('%Y%m%d%H%M%S')}.{ext}"
